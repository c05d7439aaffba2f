using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Containers for decoding one update (the run list, each run's struct list, the delete set),
/// kept by a document between <c>ApplyUpdate</c> calls. An update from a live edit stream is
/// one struct and maybe one range; allocating half a dozen lists and dictionaries around it
/// for every keystroke costs more than decoding it. Nothing decoded into these containers
/// outlives the call: integration copies what it keeps (pending structs are re-encoded,
/// unapplied deletions go to a new delete set).
/// </summary>
internal sealed class DecodeBuffers
{
    public readonly List<StructRun> Runs = [];

    public readonly DeleteSet DeleteSet = new();

    private readonly List<StructRun> _spareRuns = [];

    /// <summary>
    /// A decoded text item whose text was appended to another item in place (RemoteTyping), so
    /// nothing refers to it: the next decoded text item is read into it and its content.
    /// </summary>
    public Item? SpareTextItem;

    /// <summary>An empty run for <paramref name="client"/>, reused when one is spare.</summary>
    public StructRun RentRun(long client)
    {
        if (_spareRuns.Count == 0)
        {
            return new StructRun(client, []);
        }
        var run = _spareRuns[^1];
        _spareRuns.RemoveAt(_spareRuns.Count - 1);
        run.Client = client;
        return run;
    }

    /// <summary>Empties every container (dropping the references to decoded structs) for the next update.</summary>
    public void Release()
    {
        foreach (var run in Runs)
        {
            run.Structs.Clear();
            _spareRuns.Add(run);
        }
        Runs.Clear();
        DeleteSet.Clear();
    }
}
