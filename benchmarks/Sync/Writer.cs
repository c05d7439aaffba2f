using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// One editor of one document: its own <see cref="YDoc"/> (its own client id), whose local edits
/// produce the real V1 updates the benchmark sends. At most one of its updates is in flight at a
/// time, so the server always receives them in order.
/// </summary>
internal sealed class Writer
{
    private static long s_nextClientId = 1_000;
    private readonly YDoc _doc;
    private readonly YText _text;
    private readonly object _gate = new();
    private byte[]? _captured;

    public Writer(string documentId, int documentIndex)
    {
        DocumentId = documentId;
        DocumentIndex = documentIndex;
        _doc = new YDoc { ClientId = Interlocked.Increment(ref s_nextClientId) };
        _text = _doc.GetText("t");
        _doc.UpdateV1 += (_, e) => _captured = e.Update;
    }

    public string DocumentId { get; }

    public int DocumentIndex { get; }

    /// <summary>Appends <paramref name="text"/> and returns the update that edit produced.</summary>
    public byte[] Next(string text)
    {
        lock (_gate)
        {
            _captured = null;
            _text.Insert(_text.Length, text);
            return _captured ?? throw new InvalidOperationException("the edit produced no update");
        }
    }

    /// <summary>Applies a broadcast from another editor (fan-out clients keep the shared state).</summary>
    public void ApplyRemote(byte[] update)
    {
        lock (_gate)
        {
            _doc.ApplyUpdate(update, this);
        }
    }
}
