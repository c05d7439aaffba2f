using System.Runtime.ExceptionServices;

namespace CrdtCollab.Crdt;

/// <remarks>
/// <para><b>Events.</b> When the outermost transaction ends, in yjs's order: each changed type's
/// <see cref="Types.YType.Observe"/> handlers, then the <see cref="Types.YType.ObserveDeep"/>
/// handlers, then <see cref="AfterTransaction"/>, then garbage collection and merging, then
/// <see cref="UpdateV1"/> and <see cref="UpdateV2"/>; once every queued transaction (handlers may
/// start new ones) has finished, <see cref="AfterAllTransactions"/>. Local edits and applied
/// updates raise the same events (<see cref="YTransaction.Local"/> tells them apart).</para>
/// <para><b>A handler that throws</b> stops nothing: every other handler still runs, the
/// transaction and every queued one still finish (the document stays consistent and its update
/// is still emitted), and the exception is rethrown afterwards from the call that ran the
/// transaction (<c>Transact</c>, an edit method or <c>ApplyUpdate</c>, whose update then is
/// applied nonetheless); several exceptions are rethrown together as an
/// <see cref="AggregateException"/>. yjs also calls every handler and rethrows.</para>
/// <para>Without observers a transaction does no event bookkeeping at all.</para>
/// </remarks>
public sealed partial class YDoc
{
    private int _trackers;
    private List<Exception>? _handlerErrors;
    private EventHandler<YTransactionEventArgs>? _beforeTransaction;
    private EventHandler<YTransactionEventArgs>? _afterTransaction;

    /// <summary>Raised when an outermost transaction starts, before its body runs (yjs's <c>beforeTransaction</c>).</summary>
    public event EventHandler<YTransactionEventArgs>? BeforeTransaction
    {
        add => _beforeTransaction += value;
        remove => _beforeTransaction -= value;
    }

    /// <summary>
    /// Raised after a transaction's observers, before its clean-up (yjs's <c>afterTransaction</c>);
    /// while anyone listens the transaction's changed types are recorded.
    /// </summary>
    public event EventHandler<YTransactionEventArgs>? AfterTransaction
    {
        add
        {
            var before = _afterTransaction;
            _afterTransaction += value;
            if (!ReferenceEquals(before, _afterTransaction))
            {
                AdjustTrackers(1);
            }
        }
        remove
        {
            var before = _afterTransaction;
            _afterTransaction -= value;
            if (!ReferenceEquals(before, _afterTransaction))
            {
                AdjustTrackers(-1);
            }
        }
    }

    /// <summary>Raised once every queued transaction has finished (yjs's <c>afterAllTransactions</c>).</summary>
    public event EventHandler? AfterAllTransactions;

    /// <summary>Whether anything observes changes (types' observers, <see cref="AfterTransaction"/>, undo managers).</summary>
    internal bool TracksChanges => _trackers > 0;

    internal void AdjustTrackers(int delta) => _trackers += delta;

    /// <summary>True while a transaction runs or its clean-up is under way.</summary>
    internal bool InTransactionOrCleanup => _cleanups.Count > 0;

    internal void ReportHandlerError(Exception ex) => (_handlerErrors ??= []).Add(ex);

    internal void RaiseAfterTransaction(YTransaction transaction)
    {
        if (_afterTransaction is { } after)
        {
            Raise(after, new YTransactionEventArgs(transaction));
        }
    }

    /// <summary>Calls every handler of <paramref name="handlers"/>, reporting (not throwing) what they throw.</summary>
    private void Raise<TArgs>(EventHandler<TArgs> handlers, TArgs args)
    {
        if (handlers.HasSingleTarget)
        {
            try
            {
                handlers(this, args);
            }
            catch (Exception ex)
            {
                ReportHandlerError(ex);
            }
            return;
        }
        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                ReportHandlerError(ex);
            }
        }
    }

    private void ThrowHandlerErrors()
    {
        if (_handlerErrors is not { Count: > 0 } errors)
        {
            return;
        }
        _handlerErrors = null;
        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }
        throw new AggregateException("Several event handlers threw.", errors);
    }
}
