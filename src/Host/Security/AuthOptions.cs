using System.ComponentModel.DataAnnotations;

namespace CrdtCollab.Host.Security;

/// <summary>
/// Authentication settings (section <c>Auth</c>). With none of <see cref="Authority"/> and
/// <see cref="SigningKey"/> set, the server is its own issuer: it signs tokens with a key it
/// generates and keeps in its data folder, and serves <c>POST /auth/dev-token</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>An OpenID Connect authority whose tokens are accepted (its keys come from discovery).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry; required with an external issuer.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must carry (checked when set).</summary>
    public string? Issuer { get; set; }

    /// <summary>A shared HMAC-SHA256 key (at least 32 bytes, UTF-8 or <c>base64:</c>…) whose tokens are accepted.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Lifetime of the tokens <c>/auth/dev-token</c> issues.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The role every signed-in user has on a new document unless its owner changes it (link
    /// sharing). <c>editor</c> keeps the zero-configuration demo collaborative; set <c>none</c>
    /// for private-by-default documents.
    /// </summary>
    public string DefaultLinkRole { get; set; } = "editor";

    /// <summary>True when tokens come from somewhere else and the dev-token endpoint must not exist.</summary>
    public bool HasExternalIssuer => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKey);
}
