using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Xunit;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>
/// The server's real console output (its own process, every category at Debug so framework
/// request lines with query strings are on) during a session with a token in the query string, a
/// bearer header, updates, a bad frame and a password in the connection string: none of those
/// appear, and every update-path line carries document, connection, user and correlation ids.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_log_output_of_a_session_holds_no_token_payload_or_password_and_update_lines_carry_their_ids()
    {
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        // The test PostgreSQL trusts local connections, so the password is configured but unused.
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = password }.ConnectionString;
        var lines = new ConcurrentQueue<string>();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "crdtcollab-logs-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await RunSessionAsync(connectionString, password, dataDirectory, lines);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task RunSessionAsync(string connectionString, string password, string dataDirectory, ConcurrentQueue<string> lines)
    {
        await using var host = await HostProcess.StartAsync(connectionString, "logs_" + Guid.NewGuid().ToString("N")[..10], new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:Wolverine"] = "Debug",
            ["Sync:DataDirectory"] = dataDirectory,
        });
        host.LineWritten += lines.Enqueue;

        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var tokenResponse = await http.PostAsync("/auth/dev-token", new StringContent("{\"name\":\"Logger\"}", Encoding.UTF8, "application/json"));
        tokenResponse.EnsureSuccessStatusCode();
        using var tokenJson = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var token = tokenJson.RootElement.GetProperty("token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await http.PostAsync("/api/documents", new StringContent("{\"id\":\"logged\"}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        // y-websocket: the token in the query string, an update, then a bad frame.
        var secretText = "payload-" + Guid.NewGuid().ToString("N");
        var doc = new YDoc(new YDocOptions { ClientId = 4242 });
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        doc.GetText("codemirror").Insert(0, secretText);
        await using (var socket = await RawSocket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/ws/logged?token={Uri.EscapeDataString(token)}")))
        {
            await socket.SendAsync(YWebSocketEnvelope.EncodeUpdate(updates[^1]));
            await Task.Delay(300);
            await socket.SendAsync([0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            Assert.NotNull(await socket.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        }

        // Hocuspocus: the token travels inside the auth message.
        await using (var socket = await RawSocket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/hocuspocus")))
        {
            await socket.SendAsync(HocuspocusFrames.Auth("logged", token));
            await socket.ReceiveUntilAsync(m => HocuspocusFrames.Read(m).Type == 2, TimeSpan.FromSeconds(5));
            doc.GetText("codemirror").Insert(0, secretText + "-hp");
            await socket.SendAsync(HocuspocusFrames.Update("logged", updates[^1]));
            await Task.Delay(300);
        }

        // SignalR over WebSockets: the token travels as access_token in the query string.
        var hub = new HubConnectionBuilder().WithUrl(new Uri(host.BaseUrl, "/hubs/sync"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        }).Build();
        await using (hub)
        {
            await hub.StartAsync();
            await hub.InvokeAsync<Host.Endpoints.Hub.JoinResult>("Join", "logged", new byte[] { 0 });
            doc.GetText("codemirror").Insert(0, secretText + "-hub");
            await hub.InvokeAsync<Host.Endpoints.Hub.UpdateAck>("Update", "logged", updates[^1]);
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Host.Endpoints.Hub.UpdateAck>("Update", "logged", new byte[] { 0xFF, 0xFF, 0xFF }));
        }
        // Let the last lines (connection closed, request finished) reach the pipe.
        await WaitUntilAsync(() => lines.Any(l => l.Contains("\"RequestPath\":\"/hubs/sync\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        var output = string.Join('\n', lines);

        Assert.True(lines.Count > 20, "the server printed almost nothing:\n" + output);
        var secrets = new Dictionary<string, string>
        {
            ["the token"] = token,
            ["the token's signature"] = token.Split('.')[2],
            ["the token's payload"] = token.Split('.')[1],
            ["the password"] = password,
            ["an update's text"] = secretText,
        };
        foreach (var update in updates)
        {
            secrets[$"an update (base64, {update.Length} bytes)"] = Convert.ToBase64String(update);
            secrets["an update (hex)"] = Convert.ToHexString(update);
        }
        foreach (var (what, secret) in secrets)
        {
            if (output.Contains(secret, StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{what} is in the log:\n{Excerpt(output, secret)}");
            }
        }
        // The scrubber did have something to do: the framework's request lines carry the query.
        Assert.Contains("token=***", output, StringComparison.Ordinal);

        // Compact JSON, one event per line; the update path's lines carry their ids.
        var events = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _) && e.TryGetProperty("@m", out _)));
        var updatePath = events.Where(e => EventName(e) is "UpdateAccepted" or "BadFrame" or "UpdateRejected" or "ConnectionOpened" or "ConnectionClosed").ToList();
        Assert.Contains(updatePath, e => EventName(e) == "UpdateAccepted" && Text(e, "Transport") == "y-websocket");
        Assert.Contains(updatePath, e => EventName(e) == "UpdateAccepted" && Text(e, "Transport") == "signalr");
        Assert.Contains(updatePath, e => EventName(e) == "UpdateAccepted" && Text(e, "Transport") == "hocuspocus");
        Assert.Contains(updatePath, e => EventName(e) == "BadFrame");
        Assert.Contains(updatePath, e => EventName(e) == "UpdateRejected" && Text(e, "Transport") == "signalr");
        foreach (var e in updatePath)
        {
            foreach (var property in new[] { "DocumentId", "ConnectionId", "UserId", "CorrelationId" })
            {
                Assert.False(string.IsNullOrEmpty(Text(e, property)), $"{EventName(e)} has no {property}: {e}");
            }
            Assert.Equal("logged", Text(e, "DocumentId"));
            Assert.Equal("logger", Text(e, "UserId"));
        }
        var committed = events.Where(e => EventName(e) == "BatchCommitted").ToList();
        Assert.NotEmpty(committed);
        Assert.All(committed, e => Assert.Contains("logged", Text(e, "DocumentId"), StringComparison.Ordinal));
        Assert.Contains(committed, e => Text(e, "UserId") == "logger" && !string.IsNullOrEmpty(Text(e, "ConnectionId")) && !string.IsNullOrEmpty(Text(e, "CorrelationId")));
        // Request logging: one line per request, path without its query.
        Assert.Contains(events, e => Text(e, "SourceContext") == "Serilog.AspNetCore.RequestLoggingMiddleware" && Text(e, "RequestMethod") == "POST"
            && Text(e, "RequestPath") == "/api/documents" && Text(e, "StatusCode") == "201" && Text(e, "UserId") == "logger");
    }

    private static string? EventName(JsonElement e) =>
        e.TryGetProperty("EventId", out var id) && id.ValueKind == JsonValueKind.Object && id.TryGetProperty("Name", out var name) ? name.GetString() : null;

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    private static string Excerpt(string output, string secret)
    {
        int i = output.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        int start = output.LastIndexOf('\n', Math.Max(0, i)) + 1;
        int end = output.IndexOf('\n', i);
        return output[start..(end < 0 ? output.Length : end)];
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
