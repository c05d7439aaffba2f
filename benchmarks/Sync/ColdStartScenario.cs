using System.Diagnostics;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Host.Endpoints.Hub;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// Cold start of the published server: <c>dotnet src/Host/bin/Release/net10.0/CrdtCollab.Host.dll</c>
/// against the already-running benchmark PostgreSQL, from <see cref="Process.Start()"/> to the first
/// <c>GET /health</c> that answers 200 (polled every 5 ms). The server logs at Information
/// (Wolverine's category at Debug) and each stdout line is time-stamped on arrival, which places
/// Wolverine's start-up (its first to its last start-up line, and the first batch's handler compilation) inside the total.
/// </summary>
internal static class ColdStartScenario
{
    public static async Task<ColdStartRun> RunOnceAsync(string connectionString, int run)
    {
        var dll = Path.Combine(RepoPaths.RepoRoot, "src", "Host", "bin", "Release", "net10.0", "CrdtCollab.Host.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the server first: dotnet build -c Release src/Host", dll);
        }
        int port = BenchServer.FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "crdtcollab-cold-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Where a deploy runs it from: the content root holding wwwroot.
            WorkingDirectory = Path.Combine(RepoPaths.RepoRoot, "src", "Host"),
        };
        foreach (var a in new[]
        {
            dll, $"--ConnectionStrings:Postgres={connectionString}", $"--Sync:Schema=cold_{run}_{Guid.NewGuid().ToString("N")[..6]}",
            $"--urls=http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Wolverine=Debug",
            "--Logging:LogLevel:JasperFx=Debug", $"--Sync:DataDirectory={dataDirectory}", "--Logging:Console:FormatterName=simple", "--Logging:Console:FormatterOptions:SingleLine=true",
        })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var lines = new List<(double Ms, string Line)>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add((clock.Elapsed.TotalMilliseconds, line));
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add((clock.Elapsed.TotalMilliseconds, "stderr: " + line));
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        double secondAckMs = double.NaN;
        double servedMs = double.NaN, firstAckMs = double.NaN, joinedMs = double.NaN;
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                    if (response.IsSuccessStatusCode)
                    {
                        servedMs = clock.Elapsed.TotalMilliseconds;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(5);
            }
            if (!double.IsNaN(servedMs))
            {
                // The first update: Wolverine (Dynamic code generation) builds the batch handler on first use.
                var token = await BenchServer.TokenAsync(port, "cold");
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri($"http://127.0.0.1:{port}/hubs/sync"), o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                        if (token is not null)
                        {
                            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                        }
                    })
                    .AddMessagePackProtocol()
                    .Build();
                await using (connection)
                {
                    await connection.StartAsync();
                    var writer = new Writer("cold", 0);
                    await connection.InvokeAsync<JoinResult>("Join", "cold", new byte[] { 0 });
                    joinedMs = clock.Elapsed.TotalMilliseconds;
                    await connection.InvokeAsync<UpdateAck>("Update", "cold", writer.Next("x"));
                    firstAckMs = clock.Elapsed.TotalMilliseconds;
                    long t = Stopwatch.GetTimestamp();
                    await connection.InvokeAsync<UpdateAck>("Update", "cold", writer.Next("y"));
                    secondAckMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
        (double Ms, string Line)[] log;
        lock (lines)
        {
            log = [.. lines];
        }
        var wolverine = log.Where(l => l.Line.Contains("Wolverine", StringComparison.Ordinal) || l.Line.Contains("JasperFx", StringComparison.Ordinal)).ToArray();
        double? Find(string text) => log.FirstOrDefault(l => l.Line.Contains(text, StringComparison.Ordinal)) is { Line: not null } hit ? hit.Ms : null;
        return new ColdStartRun
        {
            Run = run,
            FirstServedMs = servedMs,
            JoinedMs = joinedMs,
            FirstAckMs = firstAckMs,
            SecondUpdateMs = secondAckMs,
            FirstLogMs = log.Length > 0 ? log[0].Ms : null,
            WolverineFirstLogMs = wolverine.Length > 0 ? wolverine[0].Ms : null,
            WolverineStartedMs = Find("Wolverine assigned node id"),
            HandlerCompileStartMs = Find("Starting to compile chain"),
            HandlerCompiledMs = Find("Finished building the chain"),
            ListeningMs = Find("Now listening on"),
            StartedMs = Find("Application started"),
            Log = [.. log.Select(l => $"{l.Ms,8:F0} ms  {l.Line}")],
            LoadAverage = Modes.LoadAverage.Text(),
        };
    }
}

/// <summary>One cold start.</summary>
internal sealed class ColdStartRun
{
    public int Run { get; init; }

    public double FirstServedMs { get; init; }

    public double? FirstLogMs { get; init; }

    /// <summary>A SignalR client connected and joined a document (after the first /health).</summary>
    public double JoinedMs { get; init; }

    /// <summary>That client's first Update acked (committed): includes Wolverine's first-use handler compilation.</summary>
    public double FirstAckMs { get; init; }

    /// <summary>The next Update's round trip on the warm handler, for comparison.</summary>
    public double SecondUpdateMs { get; init; }

    public double? WolverineFirstLogMs { get; init; }

    /// <summary>Wolverine's last start-up line (its runtime is up).</summary>
    public double? WolverineStartedMs { get; init; }

    /// <summary>Wolverine starts compiling the PendingUpdate[] handler (on the first batch, Dynamic mode)…</summary>
    public double? HandlerCompileStartMs { get; init; }

    /// <summary>…and has it.</summary>
    public double? HandlerCompiledMs { get; init; }

    public double WolverineStartupSpanMs => (WolverineStartedMs - WolverineFirstLogMs) ?? double.NaN;

    public double HandlerCompileSpanMs => (HandlerCompiledMs - HandlerCompileStartMs) ?? double.NaN;

    public double? ListeningMs { get; init; }

    public double? StartedMs { get; init; }

    public string[] Log { get; init; } = [];

    public string LoadAverage { get; init; } = "";
}
