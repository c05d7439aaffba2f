using System.Text.Json.Serialization;
using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// <c>POST /auth/dev-token</c>: the embedded default's sign-in by name. It exists only when the
/// server is its own issuer; with an external issuer configured it is not mapped at all.
/// </summary>
internal static class AuthApi
{
    private const int MaxNameLength = 64;

    public static void Map(WebApplication app, AuthOptions auth)
    {
        if (auth.HasExternalIssuer)
        {
            return;
        }
        app.MapPost("/auth/dev-token", (DevTokenRequest? body, TokenService tokens) =>
        {
            var name = body?.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '.' or '_' or '-'))
            {
                return Results.Problem(statusCode: 400, title: "invalid-name", detail: $"1-{MaxNameLength} letters, digits, spaces, '.', '_' or '-'");
            }
            return Results.Ok(new { token = tokens.Issue(name) });
        }).AllowAnonymous();
    }

    /// <summary>The body of <c>POST /auth/dev-token</c>.</summary>
    internal sealed record DevTokenRequest([property: JsonPropertyName("name")] string? Name);
}
