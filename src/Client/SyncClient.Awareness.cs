using CrdtCollab.Crdt.Protocols;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrdtCollab.Client;

// Awareness travels on its own task, fire-and-forget (the hub method returns nothing), so a
// cursor move never waits behind an Update that is waiting for its commit.
public sealed partial class SyncClient
{
    private static readonly TimeSpan AwarenessCheckInterval = TimeSpan.FromMilliseconds(Awareness.CheckIntervalMs);

    private async Task RunAwarenessAsync()
    {
        var stopping = _stopping.Token;
        var nextCheck = DateTime.UtcNow + AwarenessCheckInterval;
        while (!stopping.IsCancellationRequested)
        {
            await WaitForWorkAsync(_awarenessWork.Reader, nextCheck, stopping).ConfigureAwait(false);
            if (DateTime.UtcNow >= nextCheck)
            {
                // Renews the local state before peers would time it out (that raises Updated,
                // which queues it) and drops remote states nobody renewed.
                lock (SyncRoot)
                {
                    Awareness.CheckTimeouts();
                }
                nextCheck = DateTime.UtcNow + AwarenessCheckInterval;
            }

            byte[]? update;
            lock (SyncRoot)
            {
                update = _awarenessOut;
                _awarenessOut = null;
            }
            if (update is null || !_joined)
            {
                // Not joined: the next join sends the local state as it is then.
                continue;
            }
            try
            {
                await _connection.SendAsync("Awareness", DocumentId, update, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The connection is going down; the worker reconnects and the join re-sends it.
                SyncClientLog.StepFailed(_logger, e, "Sending awareness", DocumentId);
            }
        }
    }

    private void OnAwarenessUpdated(object? sender, AwarenessChangeEventArgs e)
    {
        long self = Awareness.ClientId;
        // Only this client's own entry goes out: the server relays the others. That includes a
        // received update that tried to take the local state offline, which Awareness answers
        // with a higher clock that has to reach the peers.
        if (!e.Added.Contains(self) && !e.Updated.Contains(self) && !e.Removed.Contains(self))
        {
            return;
        }
        lock (SyncRoot)
        {
            _awarenessOut = Awareness.EncodeUpdate([self]);
        }
        _awarenessWork.Writer.TryWrite(true);
    }

    private void OnRemoteAwareness(string documentId, byte[] update)
    {
        if (documentId != DocumentId)
        {
            return;
        }
        try
        {
            lock (SyncRoot)
            {
                Awareness.ApplyUpdate(update, this);
            }
        }
        catch (Exception e)
        {
            // A malformed awareness update is dropped; the sender renews its state anyway.
            SyncClientLog.AwarenessFailed(_logger, e, DocumentId);
        }
    }

    /// <summary>Drops every remote state; call with <see cref="SyncRoot"/> held.</summary>
    private void RemoveRemoteAwareness()
    {
        var remote = Awareness.GetStates().Keys.Where(id => id != Awareness.ClientId).ToList();
        Awareness.RemoveStates(remote, this);
    }
}
