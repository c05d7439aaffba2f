namespace CrdtCollab.Host.Security;

/// <summary>
/// Headers for every response: no MIME sniffing, no framing, no referrer, and a content security
/// policy that lets the demo page load only its own script and talk only to this server.
/// CodeMirror writes its styles at run time, hence <c>style-src 'unsafe-inline'</c>.
/// </summary>
internal static class SecurityHeaders
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = Policy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        await next();
    });
}
