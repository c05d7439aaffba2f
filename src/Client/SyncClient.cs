using System.Text.RegularExpressions;
using System.Threading.Channels;
using CrdtCollab.Client.Protocol;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrdtCollab.Client;

/// <summary>
/// Keeps a <see cref="YDoc"/> in sync with one document on a CrdtCollab sync server, over the
/// SignalR hub (<c>/hubs/sync</c>, docs/protocol.md), and carries the document's awareness.
/// </summary>
/// <remarks>
/// <para><b>Sync.</b> Joining sends the local state vector; the client applies what the server
/// sent back and sends what the server lacks. After that every local update (every
/// <see cref="YDoc.UpdateV1"/> whose origin is not this client) goes to the server's
/// <c>Update</c>, whose acknowledgement arrives only once the server has committed it. Updates
/// raised while one is in flight are merged into the next invocation, so there is one
/// <c>Update</c> in flight at a time and batches grow with the load.</para>
/// <para><b>Saved up to.</b> <see cref="PendingUpdates"/>, <see cref="SavedUpdates"/>,
/// <see cref="SavedVersion"/>, <see cref="Saved"/> and <see cref="WhenSavedAsync"/> report how far
/// the acknowledgements reach. Nothing counts as saved before its acknowledgement.</para>
/// <para><b>Reconnect.</b> A lost connection is retried with <see cref="SyncClientOptions.ReconnectDelays"/>
/// until the client is disposed. Each new connection joins again and resyncs by state vector;
/// the update it sends then carries everything the server lacks plus every local update not yet
/// acknowledged, so an update whose acknowledgement was lost (or whose <c>Update</c> failed, e.g.
/// with <c>not-saved</c>) is sent again, and the server acknowledges a repeat once it is
/// committed. Failed invocations are not reported to the application; they are retried.</para>
/// <para><b>Authentication.</b> Set <see cref="SyncClientOptions.AccessTokenProvider"/>; it is
/// asked for a token on every connection attempt (so it can hand out a fresh one after a
/// reconnect), and SignalR sends it as the bearer header on HTTP and as the <c>access_token</c>
/// query on WebSockets. A connection refused with 401 is retried like any lost connection.</para>
/// <para><b>Roles.</b> <see cref="Role"/> is the user's role on the document, from the join and
/// from the server's <c>role</c> messages (<see cref="RoleChanged"/>). While the role cannot write
/// (viewer, commenter) local updates are <i>kept pending, not sent</i>: they count in
/// <see cref="PendingUpdates"/>, <see cref="WhenSavedAsync"/> keeps waiting, and they go to the
/// server (with a resync) if the role becomes editor or owner again. An <c>Update</c> refused with
/// <c>forbidden:</c> (a downgrade that raced it) is treated the same way: kept, not retried until a
/// writable role arrives. When the server says <c>revoked</c>, or a join is refused with
/// <c>forbidden:</c>, the client stops for good: <see cref="Status"/> becomes
/// <see cref="SyncClientStatus.Revoked"/>, <see cref="AccessError"/> says why, waiters of
/// <see cref="WhenSavedAsync"/> fail with <see cref="SyncAccessException"/>, and a pending
/// <see cref="ConnectAsync"/> throws it.</para>
/// <para><b>Threading.</b> <see cref="YDoc"/> and <see cref="Crdt.Protocols.Awareness"/> are not
/// thread-safe, and the client applies incoming updates and awareness from SignalR's threads. It
/// does so holding <see cref="SyncRoot"/>; the application must hold the same lock for every read
/// or write of <see cref="Document"/> and <see cref="Awareness"/> once
/// <see cref="ConnectAsync"/> was called (<see cref="Transact"/> does it for an edit). Document and
/// awareness events therefore run under the lock, on whichever thread made the change.
/// <see cref="Saved"/> and <see cref="StatusChanged"/> run without it, on the client's own task.
/// The lock is never held while waiting for the network.</para>
/// </remarks>
public sealed partial class SyncClient : IAsyncDisposable
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);

    private readonly HubConnection _connection;
    private readonly SyncClientOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstJoin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Wake-up signals: a capacity of one with DropWrite coalesces any number of signals into one.
    private readonly Channel<bool> _work = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _awarenessWork = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Guarded by SyncRoot.
    private readonly List<(long Seq, byte[] Update)> _unacknowledged = [];
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _localUpdates;
    private long _savedUpdates;
    private long _sentUpTo;
    private long _savedVersion;
    private bool _resyncRequested;
    private byte[]? _awarenessOut;
    private SyncAccessException? _refusedFor;

    // Written by the worker and the Closed handler, read by the awareness task.
    private volatile bool _joined;
    private volatile string? _role;
    private volatile bool _writeRefused;
    private volatile SyncAccessException? _accessError;
    private SyncClientStatus _status = SyncClientStatus.Connecting;
    private int _disposed;
    private Task _worker = Task.CompletedTask;
    private Task _awarenessWorker = Task.CompletedTask;

    private SyncClient(Uri server, string documentId, YDoc document, SyncClientOptions options)
    {
        DocumentId = documentId;
        Document = document;
        _options = options;
        SyncRoot = options.SyncRoot ?? new Lock();
        _logger = options.LoggerFactory?.CreateLogger<SyncClient>() ?? NullLogger<SyncClient>.Instance;
        lock (SyncRoot)
        {
            Awareness = new Awareness(document.ClientId);
        }

        var builder = new HubConnectionBuilder().WithUrl(HubUrl(server, options.HubPath), http =>
        {
            if (options.AccessTokenProvider is { } tokens)
            {
                http.AccessTokenProvider = tokens;
            }
        });
        if (options.Protocol == SyncClientProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(messagePack =>
            {
                var defaults = messagePack.SerializerOptions;
                messagePack.SerializerOptions = defaults.WithResolver(CompositeResolver.Create(HubResultResolver.Instance, defaults.Resolver));
            });
        }
        else
        {
            // The hub's results are read whatever the casing of the server's property names.
            builder.AddJsonProtocol(json => json.PayloadSerializerOptions.PropertyNameCaseInsensitive = true);
        }
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }
        _connection = builder.Build();
        _connection.On<string, byte[]>("update", OnRemoteUpdate);
        _connection.On<string, byte[]>("awareness", OnRemoteAwareness);
        _connection.On<string, string>("role", OnRole);
        _connection.On<string, string>("revoked", OnRevoked);
        _connection.Closed += OnClosed;
    }

    /// <summary>The server's document id this client syncs.</summary>
    public string DocumentId { get; }

    /// <summary>The synced document. Read and write it only while holding <see cref="SyncRoot"/>.</summary>
    public YDoc Document { get; }

    /// <summary>
    /// The document's awareness (client id = the document's). Local state changes are sent to the
    /// server, remote ones applied here. Use it only while holding <see cref="SyncRoot"/>.
    /// </summary>
    public Awareness Awareness { get; }

    /// <summary>The lock that serialises every access to <see cref="Document"/> and <see cref="Awareness"/>.</summary>
    public Lock SyncRoot { get; }

    /// <summary>The connection status.</summary>
    public SyncClientStatus Status => _status;

    /// <summary>
    /// The user's role on the document (<c>viewer</c>, <c>commenter</c>, <c>editor</c> or
    /// <c>owner</c>), from the last join or <c>role</c> message; null before the first join.
    /// </summary>
    public string? Role => _role;

    /// <summary>Whether local updates are sent: the role is editor or owner (or unknown, from a server without roles).</summary>
    public bool CanWrite => (_role is null || IsWriteRole(_role)) && !_writeRefused;

    /// <summary>Why the server refused the document, once <see cref="Status"/> is <see cref="SyncClientStatus.Revoked"/>; otherwise null.</summary>
    public SyncAccessException? AccessError => _accessError;

    /// <summary>
    /// How many local updates the document has raised since the client was created, plus one for
    /// the content it already held if the first join found the server lacking some of it.
    /// </summary>
    public long LocalUpdates
    {
        get
        {
            lock (SyncRoot)
            {
                return _localUpdates;
            }
        }
    }

    /// <summary>How many of the local updates the server has acknowledged as committed (the first ones, in order).</summary>
    public long SavedUpdates
    {
        get
        {
            lock (SyncRoot)
            {
                return _savedUpdates;
            }
        }
    }

    /// <summary>How many local updates are not acknowledged yet; 0 means everything is saved.</summary>
    public long PendingUpdates
    {
        get
        {
            lock (SyncRoot)
            {
                return _localUpdates - _savedUpdates;
            }
        }
    }

    /// <summary>The highest stream version an acknowledgement reported; 0 before the first one.</summary>
    public long SavedVersion
    {
        get
        {
            lock (SyncRoot)
            {
                return _savedVersion;
            }
        }
    }

    /// <summary>Raised after every acknowledgement, without <see cref="SyncRoot"/> held.</summary>
    public event EventHandler<SyncSavedEventArgs>? Saved;

    /// <summary>Raised when <see cref="Status"/> changes, without <see cref="SyncRoot"/> held.</summary>
    public event EventHandler<SyncClientStatusChangedEventArgs>? StatusChanged;

    /// <summary>Raised when <see cref="Role"/> changes (at a join or by a <c>role</c> message), without <see cref="SyncRoot"/> held.</summary>
    public event EventHandler<SyncRoleChangedEventArgs>? RoleChanged;

    /// <summary>
    /// Connects <paramref name="document"/> to <paramref name="documentId"/> on the server and
    /// completes once joined, with the server's state applied to the document; what the server
    /// lacks is uploaded right after (<see cref="WhenSavedAsync"/> waits for it). Until the first
    /// join succeeds it retries with <see cref="SyncClientOptions.ReconnectDelays"/>; cancel the
    /// token to give up.
    /// </summary>
    /// <param name="server">The server's base address (http, https, ws or wss).</param>
    /// <param name="documentId">1–128 characters from <c>[A-Za-z0-9._-]</c>.</param>
    /// <param name="document">The local document; from now on access it only under <see cref="SyncRoot"/>.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="cancellationToken">Stops waiting for the first join (and disposes the client).</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException">The document id is not valid.</exception>
    /// <exception cref="SyncAccessException">The server refused the join (<c>forbidden:</c>: the user has no role on the document).</exception>
    public static async Task<SyncClient> ConnectAsync(Uri server, string documentId, YDoc document, SyncClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(document);
        if (documentId is null || !DocumentIdPattern().IsMatch(documentId))
        {
            throw new ArgumentException("A document id is 1-128 characters from [A-Za-z0-9._-].", nameof(documentId));
        }

        var client = new SyncClient(server, documentId, document, options ?? new SyncClientOptions());
        client.Start();
        try
        {
            await client._firstJoin.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return client;
    }

    /// <summary>Runs <paramref name="body"/> as one transaction on <see cref="Document"/> while holding <see cref="SyncRoot"/>.</summary>
    /// <param name="body">The edit.</param>
    /// <param name="origin">The transaction's origin (anything but this client, or the update is not sent).</param>
    public void Transact(Action<YTransaction> body, object? origin = null)
    {
        lock (SyncRoot)
        {
            Document.Transact(body, origin);
        }
    }

    /// <summary>
    /// Completes when every local update raised before the call is acknowledged as saved.
    /// It keeps waiting across reconnects and while the role is read-only; it fails with
    /// <see cref="ObjectDisposedException"/> if the client is disposed first and with
    /// <see cref="SyncAccessException"/> once access is revoked.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when those updates are saved.</returns>
    public Task WhenSavedAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        TaskCompletionSource done;
        lock (SyncRoot)
        {
            if (_savedUpdates >= _localUpdates)
            {
                return Task.CompletedTask;
            }
            if (_refusedFor is { } refused)
            {
                // Revoked: nothing more will ever be saved by this client.
                return Task.FromException(refused);
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_localUpdates, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops syncing: leaves the document (the server removes this client's awareness state and
    /// tells the others) and closes the connection. Updates not acknowledged by then stay in the
    /// document but are not saved by this client; await <see cref="WhenSavedAsync"/> first to be sure.
    /// </summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (SyncRoot)
        {
            Document.UpdateV1 -= OnLocalUpdate;
            Awareness.Updated -= OnAwarenessUpdated;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_worker, _awarenessWorker).ConfigureAwait(false);
        if (_joined && _connection.State == HubConnectionState.Connected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(LeaveTimeout);
                await _connection.InvokeAsync("Leave", DocumentId, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The server drops the awareness of a closed connection anyway.
                SyncClientLog.StepFailed(_logger, e, "Leave", DocumentId);
            }
        }
        _joined = false;
        await _connection.DisposeAsync().ConfigureAwait(false);

        List<TaskCompletionSource> abandoned;
        lock (SyncRoot)
        {
            RemoveRemoteAwareness();
            abandoned = [.. _waiters.Select(w => w.Done)];
            _waiters.Clear();
        }
        foreach (var waiter in abandoned)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(SyncClient), "The client was disposed before these updates were acknowledged."));
        }
        SetStatus(SyncClientStatus.Disposed, null);
        _firstJoin.TrySetCanceled();
        _stopping.Dispose();
    }

    private void Start()
    {
        lock (SyncRoot)
        {
            Document.UpdateV1 += OnLocalUpdate;
            Awareness.Updated += OnAwarenessUpdated;
        }
        _worker = Task.Run(RunAsync);
        _awarenessWorker = Task.Run(RunAwarenessAsync);
    }

    /// <summary>Whether <paramref name="role"/> may change a document: editor or owner.</summary>
    internal static bool IsWriteRole(string role) => role is "editor" or "owner";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex DocumentIdPattern();

    private static Uri HubUrl(Uri server, string hubPath)
    {
        var builder = new UriBuilder(server);
        // SignalR negotiates over HTTP and upgrades by itself; a ws:// base is the same server.
        builder.Scheme = builder.Scheme switch
        {
            "ws" => Uri.UriSchemeHttp,
            "wss" => Uri.UriSchemeHttps,
            var other => other,
        };
        builder.Path = hubPath;
        return builder.Uri;
    }
}
