using System.Security.Cryptography;
using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// A Yjs-compatible document: named root types, a struct store, transactions, and updates in
/// Yjs update format V1. Not thread-safe: use one document from one thread at a time.
/// </summary>
public sealed partial class YDoc : Protocols.ISyncDocument
{
    private readonly Dictionary<string, YType> _share = [];
    private readonly List<YTransaction> _cleanups = [];
    private YTransaction? _current;

    /// <summary>Creates a document.</summary>
    public YDoc(YDocOptions? options = null)
    {
        options ??= new YDocOptions();
        if (options.ClientId is { } id && (id < 0 || id > Internal.Lib0.Lib0Reader.MaxSafeInteger))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "client id must be in [0, 2^53-1]");
        }
        ClientId = options.ClientId ?? NewClientId();
        Gc = options.Gc;
        _guid = options.Guid;
    }

    internal StructStore Store { get; } = new();

    /// <summary>Reused by each transaction's clean-up (they run one after another, never nested).</summary>
    internal List<KeyValuePair<long, long>> ScratchClients { get; } = [];

    /// <summary>The client id used for local edits.</summary>
    public long ClientId { get; set; }

    /// <summary>Whether deleted content is garbage-collected.</summary>
    public bool Gc { get; }

    private string? _guid;

    /// <summary>The document's guid (a random one, made on first use, unless given).</summary>
    public string Guid => _guid ??= System.Guid.NewGuid().ToString();

    /// <summary>Raised after every transaction that inserted or deleted something, with its V1 update.</summary>
    public event EventHandler<YUpdateEventArgs>? UpdateV1;

    /// <summary>
    /// Raised after <see cref="UpdateV1"/> for the same transactions, with the update in format V2
    /// (yjs's <c>updateV2</c> event). Encoded only while someone listens.
    /// </summary>
    public event EventHandler<YUpdateEventArgs>? UpdateV2;

    /// <summary>The names of the root types this document knows.</summary>
    public IReadOnlyCollection<string> RootNames => _share.Keys;

    /// <summary>The root text named <paramref name="name"/>.</summary>
    public YText GetText(string name = "") => GetRoot(name, () => new YText());

    /// <summary>The root array named <paramref name="name"/>.</summary>
    public YArray GetArray(string name = "") => GetRoot(name, () => new YArray());

    /// <summary>The root map named <paramref name="name"/>.</summary>
    public YMap GetMap(string name = "") => GetRoot(name, () => new YMap());

    /// <summary>The root XML fragment named <paramref name="name"/>.</summary>
    public YXmlFragment GetXmlFragment(string name = "") => GetRoot(name, () => new YXmlFragment());

    /// <summary>The root XML text named <paramref name="name"/>.</summary>
    public YXmlText GetXmlText(string name = "") => GetRoot(name, () => new YXmlText());

    private T GetRoot<T>(string name, Func<T> create)
        where T : YType
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_share.TryGetValue(name, out var existing))
        {
            if (existing is T typed)
            {
                return typed;
            }
            if (existing is not YUntypedRoot)
            {
                throw new InvalidOperationException($"Root '{name}' is already defined as {existing.GetType().Name}, not {typeof(T).Name}.");
            }
        }
        var type = create();
        type.RootName = name;
        type.Integrate(this, null);
        if (existing is not null)
        {
            type.AdoptFrom(existing);
        }
        _share[name] = type;
        return type;
    }

    /// <summary>The root named <paramref name="name"/>, or null (without creating it).</summary>
    internal YType? TryGetRoot(string name) => _share.GetValueOrDefault(name);

    internal YType GetOrCreateRoot(string name)
    {
        if (!_share.TryGetValue(name, out var type))
        {
            type = new YUntypedRoot { RootName = name };
            type.Integrate(this, null);
            _share[name] = type;
        }
        return type;
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction (or inside the current one when nested).
    /// When the outermost transaction ends, observers receive one update. The transaction passed
    /// to <paramref name="body"/> is valid only during the call (the document reuses the object).
    /// </summary>
    public void Transact(Action<YTransaction> body, object? origin = null) => TransactCore(body, origin, local: true);

    internal void TransactCore(Action<YTransaction> body, object? origin, bool local)
    {
        var transaction = BeginTransaction(origin, local, out bool owned);
        try
        {
            body(transaction);
        }
        finally
        {
            EndTransaction(owned);
        }
    }

    /// <summary>
    /// Joins the current transaction or starts one (<paramref name="owned"/>). Editing paths
    /// use this pair instead of a closure so a keystroke allocates no delegate.
    /// </summary>
    internal YTransaction BeginTransaction(object? origin, bool local, out bool owned)
    {
        if (_current is { } current)
        {
            owned = false;
            if (!local)
            {
                current.Local = false;
            }
            return current;
        }
        owned = true;
        var state = _spareState ?? new TransactionState();
        _spareState = null;
        YTransaction transaction;
        if (_spareTransaction is { } reused)
        {
            _spareTransaction = null;
            reused.Origin = origin;
            reused.Local = local;
            reused.State = state;
            transaction = reused;
        }
        else
        {
            transaction = new YTransaction(this, origin, local, state);
        }
        _current = transaction;
        Store.Transaction = _current;
        _cleanups.Add(_current);
        if (_beforeTransaction is { } before)
        {
            Raise(before, new YTransactionEventArgs(transaction));
        }
        return _current;
    }

    /// <summary>Ends a transaction started by <c>BeginTransaction</c>; call in a finally block.</summary>
    internal void EndTransaction(bool owned)
    {
        if (!owned)
        {
            return;
        }
        bool finish = ReferenceEquals(_current, _cleanups[0]);
        _current = null;
        Store.Transaction = null;
        if (finish)
        {
            // Clean-ups can start follow-up transactions (text formatting clean-up);
            // they are queued and finished in order.
            try
            {
                for (int i = 0; i < _cleanups.Count; i++)
                {
                    TransactionCleanup.Run(_cleanups[i]);
                }
            }
            finally
            {
                Recycle();
                _cleanups.Clear();
            }
            if (AfterAllTransactions is { } after)
            {
                foreach (var handler in Delegate.EnumerateInvocationList(after))
                {
                    try
                    {
                        handler(this, EventArgs.Empty);
                    }
                    catch (Exception ex)
                    {
                        ReportHandlerError(ex);
                    }
                }
            }
            ThrowHandlerErrors();
        }
    }

    // One transaction's bookkeeping and one transaction object, kept for the next transaction:
    // transactions never overlap once their clean-ups have run, and a keystroke should not leave
    // a delete set, its collections and a transaction object behind as garbage. Reusing the
    // public object is why YTransaction is documented as valid only inside its callback.
    private TransactionState? _spareState;
    private YTransaction? _spareTransaction;

    /// <summary>After every queued clean-up has run: keep one state and one transaction for reuse.</summary>
    private void Recycle()
    {
        for (int i = 0; i < _cleanups.Count; i++)
        {
            var transaction = _cleanups[i];
            var state = transaction.State;
            state.Reset();
            transaction.Generation++;
            _spareState = state;
            _spareTransaction = transaction;
        }
    }

    /// <summary>Raises <see cref="UpdateV1"/> and <see cref="UpdateV2"/>; callers check <see cref="HasUpdateObservers"/> before encoding.</summary>
    internal void EmitUpdate(YTransaction transaction, byte[]? v1, byte[]? v2)
    {
        if (v1 is not null && UpdateV1 is { } h1)
        {
            Raise(h1, new YUpdateEventArgs(v1, transaction.Origin, transaction.Local));
        }
        if (v2 is not null && UpdateV2 is { } h2)
        {
            Raise(h2, new YUpdateEventArgs(v2, transaction.Origin, transaction.Local));
        }
    }

    internal bool HasUpdateObservers => UpdateV1 is not null || UpdateV2 is not null;

    internal bool HasUpdateV1Observers => UpdateV1 is not null;

    internal bool HasUpdateV2Observers => UpdateV2 is not null;

    internal static long NewClientId() => RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue) & 0xFFFFFFFFL;

    /// <summary>All roots as JSON (each root's <c>toJSON</c>), like Yjs's <c>doc.toJSON()</c>.</summary>
    public string ToJson()
    {
        var result = new Dictionary<string, object?>();
        foreach (var (name, type) in _share)
        {
            result[name] = type.ToJsonValue();
        }
        return Internal.Lib0.JsJson.StringifyView(result) ?? "{}";
    }
}
