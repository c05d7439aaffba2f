using System.Globalization;
using System.Net.Http;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>One Prometheus text-format scrape of <c>/metrics</c>, parsed into series and values.</summary>
internal sealed class Scrape
{
    private readonly Dictionary<string, double> _series;

    private Scrape(string text, Dictionary<string, double> series)
    {
        Text = text;
        _series = series;
    }

    public string Text { get; }

    public static async Task<Scrape> TakeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            // name{labels} value [timestamp]; label values here never contain spaces.
            var parts = line.Split(' ');
            if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series[parts[0]] = value;
            }
        }
        return new Scrape(text, series);
    }

    /// <summary>Polls until <paramref name="done"/> holds (the exporter caches a scrape for 300 ms).</summary>
    public static async Task<Scrape> UntilAsync(HttpClient http, Func<Scrape, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var scrape = await TakeAsync(http);
            if (done(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The sum of every series named <paramref name="name"/> whose labels contain all of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params string[] labels) =>
        _series.Where(s => NameOf(s.Key) == name && labels.All(l => s.Key.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    public bool Has(string name) => _series.Keys.Any(k => NameOf(k) == name);

    /// <summary>Every metric name in the scrape.</summary>
    public IEnumerable<string> Names => _series.Keys.Select(NameOf).Distinct();

    private static string NameOf(string series)
    {
        int brace = series.IndexOf('{', StringComparison.Ordinal);
        return brace < 0 ? series : series[..brace];
    }
}
