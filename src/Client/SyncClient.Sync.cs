using CrdtCollab.Client.Protocol;
using CrdtCollab.Crdt;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrdtCollab.Client;

// The worker: one task owns the connection's life cycle and every Join, Sync and Update, so
// there is never more than one Update in flight and the acknowledgements arrive in order.
public sealed partial class SyncClient
{
    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        int failures = 0;
        var nextResync = DateTime.MaxValue;
        while (!stopping.IsCancellationRequested)
        {
            if (_accessError is { } denied)
            {
                // Revoked or refused: terminal, no re-join (a retry would only be refused again).
                await StopForAccessAsync(denied).ConfigureAwait(false);
                break;
            }
            try
            {
                if (!_joined)
                {
                    SetStatus(_firstJoin.Task.IsCompleted ? SyncClientStatus.Reconnecting : SyncClientStatus.Connecting, null);
                    if (_connection.State == HubConnectionState.Disconnected)
                    {
                        await _connection.StartAsync(stopping).ConfigureAwait(false);
                    }
                    var upload = await ExchangeAsync(join: true, stopping).ConfigureAwait(false);
                    failures = 0;
                    nextResync = NextResync();
                    SetStatus(SyncClientStatus.Connected, null);
                    _firstJoin.TrySetResult();
                    if (upload is { } first)
                    {
                        await SendUpdateAsync(first.Update, first.UpTo, stopping).ConfigureAwait(false);
                    }
                    continue;
                }
                if (_connection.State != HubConnectionState.Connected)
                {
                    throw new InvalidOperationException("The connection closed.");
                }

                bool resync;
                lock (SyncRoot)
                {
                    resync = _resyncRequested || DateTime.UtcNow >= nextResync;
                    _resyncRequested = false;
                }
                if (resync)
                {
                    var upload = await ExchangeAsync(join: false, stopping).ConfigureAwait(false);
                    nextResync = NextResync();
                    if (upload is { } catchUp)
                    {
                        await SendUpdateAsync(catchUp.Update, catchUp.UpTo, stopping).ConfigureAwait(false);
                    }
                    continue;
                }
                if (TakeUnsent() is { } batch)
                {
                    await SendUpdateAsync(batch.Update, batch.UpTo, stopping).ConfigureAwait(false);
                    failures = 0;
                    continue;
                }
                await WaitForWorkAsync(_work.Reader, nextResync, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (HubException e) when (ErrorCode(e) == "forbidden")
            {
                if (!_joined)
                {
                    // The join was refused: the user has no role on the document.
                    _accessError ??= new SyncAccessException(ErrorText(e), e);
                    continue;
                }
                // An Update refused because the role no longer allows writing (a downgrade that
                // raced it). Its updates stay pending and go again once a writable role arrives.
                SyncClientLog.Refused(_logger, DocumentId, e.Message);
                _writeRefused = true;
                lock (SyncRoot)
                {
                    _sentUpTo = _savedUpdates;
                }
            }
            catch (HubException e) when (_joined && ErrorCode(e) != "not-joined")
            {
                // The session is fine but the server refused this exchange (not-saved: storage is
                // down or its backlog is full). Everything unacknowledged goes again in a resync.
                SyncClientLog.Refused(_logger, DocumentId, e.Message);
                lock (SyncRoot)
                {
                    _sentUpTo = _savedUpdates;
                    _resyncRequested = true;
                }
                await BackoffAsync(failures++, stopping).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SyncClientLog.ConnectionLost(_logger, e, DocumentId);
                await SessionLostAsync(e).ConfigureAwait(false);
                await BackoffAsync(failures++, stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Join (or Sync): send the local state vector and apply what the server sends back. Returns
    /// the update to send next, if any: what the server lacks plus every unacknowledged local
    /// update, so that its acknowledgement covers every local update raised so far.
    /// </summary>
    private async Task<(byte[] Update, long UpTo)?> ExchangeAsync(bool join, CancellationToken cancellationToken)
    {
        byte[] stateVector;
        lock (SyncRoot)
        {
            stateVector = Document.EncodeStateVector();
        }

        byte[] received, serverVector, awareness;
        if (join)
        {
            var result = await _connection.InvokeAsync<JoinResult>("Join", DocumentId, stateVector, cancellationToken).ConfigureAwait(false);
            (received, serverVector, awareness) = (result.Update ?? [], result.StateVector ?? [], result.Awareness ?? []);
            _writeRefused = false;
            if (result.Role is { Length: > 0 } role)
            {
                SetRole(role, resyncIfWritable: false);
            }
        }
        else
        {
            var result = await _connection.InvokeAsync<SyncResult>("Sync", DocumentId, stateVector, cancellationToken).ConfigureAwait(false);
            (received, serverVector, awareness) = (result.Update ?? [], result.StateVector ?? [], []);
        }

        bool write = CanWrite;
        byte[] diff;
        bool ahead;
        List<byte[]> unacknowledged;
        long upTo;
        byte[]? localAwareness = null;
        lock (SyncRoot)
        {
            if (received.Length > 0)
            {
                Document.ApplyUpdate(received, this);
            }
            if (awareness.Length > 0)
            {
                Awareness.ApplyUpdate(awareness, this);
            }
            diff = Document.EncodeStateAsUpdate(serverVector);
            ahead = IsAhead(Document.GetStateVector(), YUpdate.DecodeStateVector(serverVector));
            unacknowledged = [.. _unacknowledged.Select(u => u.Update)];
            if (join && !_firstJoin.Task.IsCompleted && ahead)
            {
                // What the document held before the client existed was never raised as an
                // update; counting it as one makes WhenSavedAsync wait for it too.
                _localUpdates++;
            }
            upTo = _localUpdates;
            // Read-only: nothing is sent, so everything unacknowledged stays unsent.
            _sentUpTo = write ? upTo : _savedUpdates;
            if (join && Awareness.LocalState is not null)
            {
                localAwareness = Awareness.EncodeUpdate([Awareness.ClientId]);
            }
        }

        if (join)
        {
            _joined = true;
            if (localAwareness is not null)
            {
                await _connection.SendAsync("Awareness", DocumentId, localAwareness, cancellationToken).ConfigureAwait(false);
            }
        }

        // After a (re)join the diff goes even without new structs: it carries the delete set, and
        // whatever this client received from others before the server committed it is the
        // server's to recover from its clients. The periodic catch-up sends only when the server
        // lacks structs, so an idle client does not upload its delete set every interval.
        bool send = write && (unacknowledged.Count > 0 || (join ? !diff.AsSpan().SequenceEqual(YUpdate.Empty) : ahead));
        if (!send)
        {
            return null;
        }
        return (unacknowledged.Count == 0 ? diff : YUpdate.MergeUpdates([diff, .. unacknowledged]), upTo);
    }

    private static bool IsAhead(IReadOnlyDictionary<long, long> local, IReadOnlyDictionary<long, long> server)
    {
        foreach (var (client, clock) in local)
        {
            if (!server.TryGetValue(client, out var serverClock) || serverClock < clock)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The local updates not sent on this connection yet, merged, and the last one's number.</summary>
    private (byte[] Update, long UpTo)? TakeUnsent()
    {
        if (!CanWrite)
        {
            // Kept pending while the role is read-only; a writable role requests a resync.
            return null;
        }
        List<byte[]> updates;
        long upTo;
        lock (SyncRoot)
        {
            int first = _unacknowledged.FindIndex(u => u.Seq > _sentUpTo);
            if (first < 0)
            {
                return null;
            }
            updates = [.. _unacknowledged.Skip(first).Select(u => u.Update)];
            upTo = _unacknowledged[^1].Seq;
            _sentUpTo = upTo;
        }
        return (updates.Count == 1 ? updates[0] : YUpdate.MergeUpdates(updates), upTo);
    }

    private async Task SendUpdateAsync(byte[] update, long upTo, CancellationToken cancellationToken)
    {
        var ack = await _connection.InvokeAsync<UpdateAck>("Update", DocumentId, update, cancellationToken).ConfigureAwait(false);
        SyncSavedEventArgs saved;
        List<TaskCompletionSource> done = [];
        lock (SyncRoot)
        {
            if (upTo > _savedUpdates)
            {
                _savedUpdates = upTo;
                _unacknowledged.RemoveAll(u => u.Seq <= upTo);
            }
            _savedVersion = Math.Max(_savedVersion, ack.Version);
            _waiters.RemoveAll(w =>
            {
                if (w.Target > _savedUpdates)
                {
                    return false;
                }
                done.Add(w.Done);
                return true;
            });
            saved = new SyncSavedEventArgs(_savedUpdates, _localUpdates - _savedUpdates, _savedVersion);
        }
        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
        Raise(Saved, saved);
    }

    private async Task SessionLostAsync(Exception? error)
    {
        _joined = false;
        lock (SyncRoot)
        {
            _sentUpTo = _savedUpdates;
            // Nobody will tell us when the others leave; the next join brings the current states.
            RemoveRemoteAwareness();
        }
        if (_connection.State != HubConnectionState.Disconnected)
        {
            try
            {
                // A connection that is up but failed an exchange starts over cleanly.
                await _connection.StopAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SyncClientLog.StepFailed(_logger, e, "Stopping the connection", DocumentId);
            }
        }
        SetStatus(_firstJoin.Task.IsCompleted ? SyncClientStatus.Reconnecting : SyncClientStatus.Connecting, error);
    }

    private void OnLocalUpdate(object? sender, YUpdateEventArgs e)
    {
        if (ReferenceEquals(e.Origin, this))
        {
            return;
        }
        lock (SyncRoot)
        {
            _localUpdates++;
            _unacknowledged.Add((_localUpdates, e.Update));
        }
        _work.Writer.TryWrite(true);
    }

    private void OnRemoteUpdate(string documentId, byte[] update)
    {
        if (documentId != DocumentId)
        {
            return;
        }
        try
        {
            lock (SyncRoot)
            {
                Document.ApplyUpdate(update, this);
            }
        }
        catch (Exception e)
        {
            // A broadcast that cannot be applied (or an application observer that threw) must not
            // leave a gap: the next exchange fetches everything by state vector.
            SyncClientLog.BroadcastFailed(_logger, e, DocumentId);
            lock (SyncRoot)
            {
                _resyncRequested = true;
            }
            _work.Writer.TryWrite(true);
        }
    }

    /// <summary>The server's <c>role</c> message: the user's role on a joined document changed.</summary>
    private void OnRole(string documentId, string role)
    {
        if (documentId == DocumentId && !string.IsNullOrEmpty(role))
        {
            SetRole(role, resyncIfWritable: true);
        }
    }

    /// <summary>The server's <c>revoked</c> message: the subscription is gone and so is the access.</summary>
    private void OnRevoked(string documentId, string reason)
    {
        if (documentId != DocumentId)
        {
            return;
        }
        _accessError ??= new SyncAccessException("revoked: " + (string.IsNullOrEmpty(reason) ? "access revoked" : reason));
        _joined = false;
        _work.Writer.TryWrite(true);
    }

    private void SetRole(string role, bool resyncIfWritable)
    {
        var old = _role;
        _role = role;
        if (resyncIfWritable && IsWriteRole(role) && (_writeRefused || (old is not null && !IsWriteRole(old))))
        {
            // Writable again: a resync sends everything kept pending meanwhile.
            _writeRefused = false;
            lock (SyncRoot)
            {
                _resyncRequested = true;
            }
            _work.Writer.TryWrite(true);
        }
        if (old != role)
        {
            Raise(RoleChanged, new SyncRoleChangedEventArgs(role));
        }
    }

    /// <summary>Ends the session for good after <c>revoked</c> or a refused join.</summary>
    private async Task StopForAccessAsync(SyncAccessException error)
    {
        _joined = false;
        List<TaskCompletionSource> abandoned;
        lock (SyncRoot)
        {
            _refusedFor = error;
            RemoveRemoteAwareness();
            abandoned = [.. _waiters.Select(w => w.Done)];
            _waiters.Clear();
        }
        foreach (var waiter in abandoned)
        {
            waiter.TrySetException(error);
        }
        try
        {
            await _connection.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SyncClientLog.StepFailed(_logger, e, "Stopping the connection", DocumentId);
        }
        SyncClientLog.AccessRefused(_logger, DocumentId, error.Message);
        SetStatus(SyncClientStatus.Revoked, error);
        _firstJoin.TrySetException(error);
    }

    private Task OnClosed(Exception? error)
    {
        _joined = false;
        _work.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    private DateTime NextResync() =>
        _options.ResyncInterval is { } interval ? DateTime.UtcNow + interval : DateTime.MaxValue;

    private static async Task WaitForWorkAsync(System.Threading.Channels.ChannelReader<bool> reader, DateTime until, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (until != DateTime.MaxValue)
        {
            var delay = until - DateTime.UtcNow;
            if (delay <= TimeSpan.Zero)
            {
                return;
            }
            wait.CancelAfter(delay);
        }
        try
        {
            if (await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
            {
                reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline passed (time for the periodic work), or disposal, which the caller's
            // loop checks.
        }
    }

    private async Task BackoffAsync(int failures, CancellationToken stopping)
    {
        var delays = _options.ReconnectDelays;
        if (delays.Count == 0)
        {
            return;
        }
        var delay = delays[Math.Min(failures, delays.Count - 1)];
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        var jittered = delay * (0.8 + (0.4 * Random.Shared.NextDouble()));
        try
        {
            await Task.Delay(jittered, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposal; the loop ends.
        }
    }

    /// <summary>The stable code a hub error starts with (docs/protocol.md), e.g. <c>not-saved</c>.</summary>
    private static string ErrorCode(HubException e)
    {
        // The client sees the server's message behind SignalR's own prefix:
        // "An unexpected error occurred invoking 'Update' on the server. HubException: not-saved: …".
        const string Marker = "HubException: ";
        var message = e.Message;
        int at = message.IndexOf(Marker, StringComparison.Ordinal);
        var text = at >= 0 ? message[(at + Marker.Length)..] : message;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? text[..colon] : text;
    }

    /// <summary>The server's message behind SignalR's prefix, e.g. <c>forbidden: ann is a viewer of …</c>.</summary>
    private static string ErrorText(HubException e)
    {
        const string Marker = "HubException: ";
        int at = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        return at >= 0 ? e.Message[(at + Marker.Length)..] : e.Message;
    }

    private void SetStatus(SyncClientStatus status, Exception? error)
    {
        if (_status == status || _status == SyncClientStatus.Disposed)
        {
            return;
        }
        _status = status;
        Raise(StatusChanged, new SyncClientStatusChangedEventArgs(status, error));
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception e)
        {
            // An application handler's failure must not stop the sync.
            SyncClientLog.HandlerFailed(_logger, e, DocumentId);
        }
    }
}
