using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// An external issuer for tests: the server is configured with its shared key, audience and
/// issuer, and tests mint good and deliberately bad tokens.
/// </summary>
public static class TestTokens
{
    public const string Key = "tests-only-signing-key-0123456789abcdef";
    public const string Audience = "crdtcollab-tests";
    public const string Issuer = "https://issuer.test";

    public static IReadOnlyDictionary<string, string?> ServerSettings(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Key,
            ["Auth:Audience"] = Audience,
            ["Auth:Issuer"] = Issuer,
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        return settings;
    }

    public static string For(string user, string key = Key, string audience = Audience, string issuer = Issuer, TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", user), new Claim("name", user)]),
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The bad tokens every endpoint must refuse, by name (null = no token at all).</summary>
    public static IEnumerable<(string Case, string? Token)> BadTokens()
    {
        yield return ("no token", null);
        yield return ("garbage", "not.a.jwt");
        yield return ("bad signature", For("mallory", key: "another-key-entirely-0123456789abcdef"));
        yield return ("expired", For("alice", expiresIn: TimeSpan.FromMinutes(-5)));
        yield return ("wrong audience", For("alice", audience: "someone-else"));
        yield return ("wrong issuer", For("alice", issuer: "https://evil.test"));
    }
}
