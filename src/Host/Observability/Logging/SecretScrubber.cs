using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace CrdtCollab.Host.Observability.Logging;

/// <summary>
/// Last line of defence against secrets in logs: any string property holding a token, a password
/// or a bearer credential gets it replaced by <c>***</c> before a sink formats the event. Our own
/// messages never log them; this catches framework messages switched on for debugging (ASP.NET
/// Core's request-start line carries the query string, where WebSocket clients put their token).
/// </summary>
internal sealed partial class SecretScrubber : ILogEventEnricher
{
    private const string Redacted = "***";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string s } && Scrub(s) is { } clean)
            {
                (replaced ??= []).Add(new LogEventProperty(name, new ScalarValue(clean)));
            }
        }
        if (replaced is not null)
        {
            foreach (var p in replaced)
            {
                logEvent.AddOrUpdateProperty(p);
            }
        }
    }

    /// <summary>The text with its secrets replaced, or null when it has none.</summary>
    internal static string? Scrub(string text)
    {
        if (text.Length < 8)
        {
            return null;
        }
        var clean = KeyValueSecret().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Redacted);
        clean = Bearer().Replace(clean, "Bearer " + Redacted);
        clean = Jwt().Replace(clean, Redacted);
        return ReferenceEquals(clean, text) || clean == text ? null : clean;
    }

    // token=…, access_token=…, Password=…; also in connection strings (key=value;).
    [GeneratedRegex(@"(?<key>\b(?:access_token|id_token|refresh_token|token|password|pwd|secret|signingkey|apikey|api_key))(?<sep>\s*=\s*)(?<value>[^&;\s""']+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValueSecret();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    // A JWT anywhere (three base64url parts, the first a JSON header).
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();
}
