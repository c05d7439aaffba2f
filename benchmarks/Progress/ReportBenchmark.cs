using System.Diagnostics;
using System.Globalization;
using CrdtCollab.Benchmarks.EventStore;
using CrdtCollab.Benchmarks.Modes;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Reports;
using CrdtCollab.Progress.Sample;
using Npgsql;

namespace CrdtCollab.Benchmarks.Progress;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- progress-report [--drawings 500] [--per 40] [--days 21] [--rounds 5]</c>:
/// the weekly report of a whole sample project (the sample generator's drawings and components,
/// default 500 × 40 = 20,000) built from Marten and rendered as CSV and as PDF. The history is
/// appended as <see cref="MilestoneProgressChanged"/> events day by day (the inline projection
/// builds the read models and the daily rows as the bridge's events would), so the measurement
/// is the report's read and render path only. Target: CSV and PDF each under 2 s.
/// </summary>
internal static class ReportBenchmark
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var spec = new SampleProjectSpec { ProjectId = "bench", Drawings = Arg(args, "--drawings", 500), ComponentsPerDrawing = Arg(args, "--per", 40), Days = Arg(args, "--days", 21) };
        var rounds = Arg(args, "--rounds", 5);
        await using var server = await LocalPostgres.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var store = ProgressStore.Create(dataSource, new ProgressOptions { Schema = "bench_report", StreamIdOf = DocumentStreamId.For });
        await ProgressStore.MigrateAsync(store);
        var commands = new ProgressCommands(store);

        var setup = Stopwatch.StartNew();
        await commands.CreateProjectAsync(spec.ProjectId, "Benchmark plant", "lead");
        var random = new Random(spec.Seed);
        var (drawings, components) = SampleProjectLoader.Generate(spec, random);
        await commands.ImportAsync(spec.ProjectId, drawings, components);
        var changes = await WriteHistoryAsync(store, spec, components, random);
        Console.WriteLine($"progress-report: {drawings.Count:N0} drawings, {components.Count:N0} components, {changes:N0} milestone changes over {spec.Days} days loaded in {setup.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");

        var builder = new WeeklyReportBuilder(store, TimeProvider.System);
        var to = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var from = to.AddDays(-6);
        var csvTimes = new List<double>();
        var pdfTimes = new List<double>();
        long csvBytes = 0, pdfBytes = 0;
        WeeklyReport? last = null;
        Console.WriteLine($"load average before: {LoadAverage.Text()}");
        // Round 0 warms up (JIT, plan caches, fonts) and is not counted.
        for (var round = 0; round <= rounds; round++)
        {
            var csv = Stopwatch.StartNew();
            var report = await builder.BuildAsync(spec.ProjectId, from, to, 7, CancellationToken.None) ?? throw new InvalidOperationException("no project");
            using (var buffer = new MemoryStream())
            {
                await WeeklyReportCsv.WriteAsync(report, buffer, CancellationToken.None);
                csvBytes = buffer.Length;
            }
            csv.Stop();
            var pdf = Stopwatch.StartNew();
            report = await builder.BuildAsync(spec.ProjectId, from, to, 7, CancellationToken.None) ?? throw new InvalidOperationException("no project");
            using (var buffer = new MemoryStream())
            {
                WeeklyReportPdf.Write(report, buffer);
                pdfBytes = buffer.Length;
            }
            pdf.Stop();
            last = report;
            if (round > 0)
            {
                csvTimes.Add(csv.Elapsed.TotalMilliseconds);
                pdfTimes.Add(pdf.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine($"load average after: {LoadAverage.Text()}");
        Console.WriteLine($"report {from:yyyy-MM-dd}..{to:yyyy-MM-dd}: {last!.Drawings.Count:N0} drawings changed, {last.ChangeCount:N0} changes, {last.Users.Count} users, {last.StalledCount:N0} stalled components");
        Console.WriteLine($"CSV (build + write): median {Median(csvTimes):F0} ms, max {csvTimes.Max():F0} ms, {csvBytes / 1024.0:F0} KiB");
        Console.WriteLine($"PDF (build + render): median {Median(pdfTimes):F0} ms, max {pdfTimes.Max():F0} ms, {pdfBytes / 1024.0:F0} KiB");
        var ok = csvTimes.Max() < 2000 && pdfTimes.Max() < 2000;
        Console.WriteLine(ok ? "target (< 2 s each) met" : "target (< 2 s each) MISSED");
        return 0;
    }

    /// <summary>
    /// A crew's pace, as the sample loader has it: on each day about 45 % of the drawings see 2-7
    /// changes, each advancing a component's next milestone (checkboxes done, partial ones by
    /// 10-50 points). One Marten session per day.
    /// </summary>
    private static async Task<int> WriteHistoryAsync(Marten.IDocumentStore store, SampleProjectSpec spec, List<ComponentSpec> components, Random random)
    {
        var templates = ComponentTypes.DefaultTemplates;
        var byDrawing = components.GroupBy(c => c.DrawingId).ToDictionary(g => g.Key, g => g.ToList());
        var next = new Dictionary<(string, string), (int Index, double Value)>();
        var first = DateTime.UtcNow.Date.AddDays(-spec.Days);
        var written = 0;
        for (var day = 0; day < spec.Days; day++)
        {
            await using var session = store.LightweightSession();
            foreach (var (drawingId, list) in byDrawing)
            {
                if (random.Next(100) >= 45)
                {
                    continue;
                }
                var user = $"crew-{random.Next(1, 9)}";
                var at = new DateTimeOffset(first.AddDays(day).AddHours(8 + random.Next(0, 9)), TimeSpan.Zero);
                for (var k = random.Next(2, 8); k > 0; k--)
                {
                    var c = list[random.Next(list.Count)];
                    var template = templates[c.Type];
                    var (index, value) = next.GetValueOrDefault((drawingId, c.ComponentId));
                    if (index >= template.Count)
                    {
                        continue;
                    }
                    var m = template[index];
                    var to = m.Kind == MilestoneKind.Checkbox ? 100 : Math.Min(100, value + 10 * random.Next(1, 6));
                    session.Events.Append(ProgressIds.DrawingStream(spec.ProjectId, drawingId), new MilestoneProgressChanged(spec.ProjectId, drawingId, c.ComponentId, m.Name, value, to, user, at, 0));
                    next[(drawingId, c.ComponentId)] = to >= 100 ? (index + 1, 0) : (index, to);
                    written++;
                }
            }
            await session.SaveChangesAsync();
        }
        return written;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
