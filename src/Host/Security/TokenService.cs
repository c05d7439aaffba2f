using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrdtCollab.Host.Security;

/// <summary>
/// Issues the embedded default's tokens and validates a raw token with exactly the rules the
/// JWT bearer handler uses (for the Hocuspocus auth message, which carries its token in-band).
/// </summary>
internal sealed class TokenService(IOptionsMonitor<JwtBearerOptions> bearer, IOptions<AuthOptions> auth, TimeProvider time)
{
    public const string EmbeddedIssuer = "crdtcollab-embedded";
    public const string EmbeddedAudience = "crdtcollab";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Signs a token for <paramref name="name"/> (embedded default only).</summary>
    public string Issue(string name)
    {
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var key = options.TokenValidationParameters.IssuerSigningKey ?? throw new InvalidOperationException("no embedded signing key");
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = EmbeddedIssuer,
            Audience = EmbeddedAudience,
            Subject = new ClaimsIdentity([new Claim("sub", name.ToLowerInvariant()), new Claim("name", name)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.Value.DevTokenLifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The token's user, or null when it is missing, malformed, expired, or not ours.</summary>
    public async Task<ConnectionUser?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024)
        {
            return null;
        }
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } discovery)
        {
            var configuration = await discovery.GetConfigurationAsync(cancellationToken);
            parameters.IssuerSigningKeys = configuration.SigningKeys;
            parameters.ValidIssuers ??= [configuration.Issuer];
        }
        var result = await _handler.ValidateTokenAsync(token, parameters);
        return result.IsValid ? ConnectionUser.From(new ClaimsPrincipal(result.ClaimsIdentity)) : null;
    }
}
