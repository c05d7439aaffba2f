using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace CrdtCollab.Host.Security;

/// <summary>
/// The key tokens are signed with: the configured one, or (embedded default) a 256-bit key the
/// server generates once and keeps in its data folder, readable by its owner only, so tokens
/// survive restarts. Rotating it is deleting the file (every token then stops working).
/// </summary>
internal static class SigningKeyStore
{
    public const string FileName = "signing-key";

    public static SymmetricSecurityKey FromConfigured(string configured)
    {
        var bytes = configured.StartsWith("base64:", StringComparison.Ordinal)
            ? Convert.FromBase64String(configured["base64:".Length..])
            : Encoding.UTF8.GetBytes(configured);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (256 bits).");
        }
        return new SymmetricSecurityKey(bytes) { KeyId = "configured" };
    }

    public static SymmetricSecurityKey LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var temp = path + ".tmp";
            File.WriteAllText(temp, Convert.ToBase64String(key));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            // Two servers starting at once: the first rename wins and both read the same key.
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException)
            {
                File.Delete(temp);
            }
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim())) { KeyId = "embedded" };
    }
}
