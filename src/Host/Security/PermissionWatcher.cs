using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrdtCollab.Host.Security;

/// <summary>
/// Applies permission changes to open connections on this node: LISTENs on
/// <see cref="PermissionStore.Channel"/> (every node does, so a change made through any node
/// reaches all of them within the NOTIFY round trip), re-reads the changed document's roles for
/// its connected users, and downgrades or closes their sessions. After a lost LISTEN connection
/// every live document is re-checked, since notifications may have been missed meanwhile.
/// </summary>
internal sealed class PermissionWatcher(NpgsqlDataSource dataSource, PermissionStore permissions, LiveDocumentRegistry registry,
    DocumentAccess access, IOptions<SyncServerOptions> options, ILogger<PermissionWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var prefix = options.Value.Schema + "/";
        var delay = TimeSpan.FromMilliseconds(100);
        bool missedSome = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var changed = System.Threading.Channels.Channel.CreateUnbounded<string>();
                connection.Notification += (_, e) =>
                {
                    if (e.Payload.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        changed.Writer.TryWrite(e.Payload[prefix.Length..]);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PermissionStore.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (missedSome)
                {
                    foreach (var doc in registry.Loaded.ToArray())
                    {
                        await RecheckAsync(doc.Id, stoppingToken);
                    }
                    missedSome = false;
                }
                delay = TimeSpan.FromMilliseconds(100);
                var waiting = connection.WaitAsync(stoppingToken);
                while (true)
                {
                    while (changed.Reader.TryRead(out var documentId))
                    {
                        await RecheckAsync(documentId, stoppingToken);
                    }
                    await waiting;
                    waiting = connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                missedSome = true;
                HostLog.PermissionWatchFailed(logger, e);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task RecheckAsync(string documentId, CancellationToken cancellationToken)
    {
        if (registry.Find(documentId) is not { } doc)
        {
            return;
        }
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var subscriber in doc.Subscribers)
        {
            if (!roles.TryGetValue(subscriber.User.Id, out var role))
            {
                role = await permissions.RoleOfAsync(documentId, subscriber.User.Id, cancellationToken);
                roles[subscriber.User.Id] = role;
            }
            access.Apply(doc, subscriber, role);
        }
    }
}
