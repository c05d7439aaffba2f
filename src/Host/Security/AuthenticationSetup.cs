using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace CrdtCollab.Host.Security;

/// <summary>
/// JWT bearer on every endpoint. Browsers cannot set headers on WebSocket upgrades, so the token
/// is also read from the query: <c>access_token</c> (SignalR's convention) and <c>token</c>
/// (what the stock y-websocket provider sends through its <c>params</c> option).
/// </summary>
internal static class AuthenticationSetup
{
    public static void Add(IServiceCollection services, AuthOptions auth, string dataDirectory)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = "name",
                ClockSkew = TimeSpan.FromSeconds(30),
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
            };
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                jwt.Authority = auth.Authority;
                jwt.RequireHttpsMetadata = auth.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                jwt.TokenValidationParameters.ValidAudience = auth.Audience;
                jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
                jwt.TokenValidationParameters.ValidateIssuer = auth.Issuer is not null;
            }
            else
            {
                var key = string.IsNullOrWhiteSpace(auth.SigningKey)
                    ? SigningKeyStore.LoadOrCreate(dataDirectory)
                    : SigningKeyStore.FromConfigured(auth.SigningKey);
                jwt.TokenValidationParameters.IssuerSigningKey = key;
                jwt.TokenValidationParameters.ValidAudience = auth.HasExternalIssuer ? auth.Audience : TokenService.EmbeddedAudience;
                jwt.TokenValidationParameters.ValidIssuer = auth.HasExternalIssuer ? auth.Issuer : TokenService.EmbeddedIssuer;
                jwt.TokenValidationParameters.ValidateIssuer = !auth.HasExternalIssuer || auth.Issuer is not null;
            }
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var query = context.Request.Query;
                    if (string.IsNullOrEmpty(context.Token))
                    {
                        var fromQuery = query["access_token"].FirstOrDefault() ?? query["token"].FirstOrDefault();
                        if (!string.IsNullOrEmpty(fromQuery))
                        {
                            context.Token = fromQuery;
                        }
                    }
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization();
    }
}
