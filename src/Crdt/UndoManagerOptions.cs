namespace CrdtCollab.Crdt;

/// <summary>Options of an <see cref="UndoManager"/> (yjs's UndoManager options).</summary>
public sealed class UndoManagerOptions
{
    /// <summary>yjs's default: changes less than this apart are undone together.</summary>
    public static readonly TimeSpan DefaultCaptureTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Tracked changes closer together than this merge into one stack item (500 ms, as yjs).</summary>
    public TimeSpan CaptureTimeout { get; init; } = DefaultCaptureTimeout;

    /// <summary>
    /// Transaction origins to track (yjs's <c>trackedOrigins</c>): an origin is tracked when it is
    /// in the set, or when its type is. Default: only transactions without an origin (local
    /// edits through the type methods). The undo manager itself is always tracked.
    /// </summary>
    public IEnumerable<object?> TrackedOrigins { get; init; } = [null];

    /// <summary>Decides per transaction whether to capture it (yjs's <c>captureTransaction</c>); default all.</summary>
    public Func<YTransaction, bool>? CaptureTransaction { get; init; }

    /// <summary>When true, undo and redo overwrite map keys even when a remote change set them since (yjs's <c>ignoreRemoteMapChanges</c>).</summary>
    public bool IgnoreRemoteMapChanges { get; init; }

    /// <summary>The clock for the capture timeout; inject a fake one to make grouping deterministic in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
