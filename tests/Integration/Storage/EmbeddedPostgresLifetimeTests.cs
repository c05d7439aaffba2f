using System.Diagnostics;
using CrdtCollab.Integration.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.Storage;

/// <summary>
/// README command 1's promise from the operator's side: with no connection string the server starts
/// its own PostgreSQL, and stopping the server (SIGTERM, as systemd or Ctrl-C does) stops that
/// PostgreSQL too, so nothing is left running on the machine.
/// </summary>
public sealed class EmbeddedPostgresLifetimeTests
{
    [Fact]
    public async Task SIGTERM_stops_the_embedded_PostgreSQL_the_server_started()
    {
        var data = Directory.CreateTempSubdirectory("crdtcollab-embedded-");
        try
        {
            // The postgres user (the server switches to it as root) must reach the folder.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
            }
            await using var host = await HostProcess.StartAsync(postgres: "", schema: "crdt_events",
                new Dictionary<string, string?> { ["Sync:DataDirectory"] = data.FullName }, TimeSpan.FromSeconds(120));
            Assert.NotEmpty(PostgresProcessesUsing(data.FullName));

            using (var kill = Process.Start("kill", ["-TERM", host.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((!host.Exited || PostgresProcessesUsing(data.FullName).Count > 0) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.True(host.Exited, "the server did not exit after SIGTERM");
            Assert.Empty(PostgresProcessesUsing(data.FullName));
        }
        finally
        {
            // Never leave a server behind, even when the assertion failed.
            foreach (var pid in PostgresProcessesUsing(data.FullName))
            {
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
            data.Delete(recursive: true);
        }
    }

    private static List<int> PostgresProcessesUsing(string dataDirectory)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("postgres", StringComparison.Ordinal) && cmdline.Contains(dataDirectory, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
