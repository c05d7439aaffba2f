using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// One seeded multi-peer session (spec §11.2 layers 3 and 4). Peers are C# docs or yjs docs in the
/// oracle; each edits locally, and every update any peer emits (edits and §9.3 formatting-cleanup
/// updates alike) is delivered to every other peer in random order, with delays and duplicates.
/// Then: all peers must converge (canonical JSON, state vector); each peer's exact received
/// sequence is replayed into a fresh C# doc and a fresh yjs doc, which must agree after every
/// update (state bytes, state vector) and at the end (JSON, cleanup updates, state against random
/// state vectors); each C# peer must match a yjs twin (same client id, same ops, same updates)
/// update for update; doc-less merge/diff/sv-from-update must agree too.
/// </summary>
public sealed class DiffSession
{
    private const long ReplayClientId = 4242424242;

    private static readonly uint[] ClientPool = [1, 2, 3, 7, 100, 4294967295, 4294967294, 2147483647, 2147483648];

    private static readonly Dictionary<string, string> Roots = new() { ["text"] = "text", ["arr"] = "array", ["map"] = "map", ["xml"] = "xml" };

    private readonly YjsOracle _oracle;
    private readonly Random _rng;
    private readonly OpGenerator _gen;
    private readonly bool _oracleOnly;
    private readonly bool _gc;
    private readonly bool _splitsSurrogates;
    private readonly bool _formatHeavy;
    private readonly List<Peer> _peers = [];
    private readonly List<UpdateRec> _updates = [];
    private readonly List<string> _log = [];
    private readonly List<string> _failures = [];
    private readonly string _prefix;

    public DiffSession(YjsOracle oracle, int seed, int index, bool oracleOnly)
    {
        _oracle = oracle;
        Seed = seed;
        Index = index;
        _rng = new Random(seed);
        _oracleOnly = oracleOnly;
        _gc = _rng.Next(4) != 0;
        _splitsSurrogates = _rng.Next(100) < 10;
        _formatHeavy = _rng.Next(100) < 20;
        _gen = new OpGenerator(_rng) { SplitsSurrogates = _splitsSurrogates, FormatHeavy = _formatHeavy };
        _prefix = $"s{seed}-";
    }

    public int Seed { get; }

    public int Index { get; }

    public IReadOnlyList<string> Failures => _failures;

    public int UpdateCount => _updates.Count;

    public int Deliveries { get; private set; }

    public int Cleanups => _updates.Count(u => u.Kind == "cleanup");

    public int Syncs => _updates.Count(u => u.Kind.StartsWith("sync", StringComparison.Ordinal));

    public int CsUpdates => _updates.Count(u => _peers[u.Author].IsCs && !u.Kind.StartsWith("sync", StringComparison.Ordinal));

    public bool Failed => _failures.Count > 0;

    /// <summary>yjs itself did not converge in this session (see the note in the op log); not a failure.</summary>
    public bool YjsDiverged { get; private set; }

    public void Run()
    {
        try
        {
            Setup();
            var rounds = _rng.Next(100) < 5 ? _rng.Next(30, 60) : _rng.Next(3, 13);
            for (var r = 0; r < rounds && !Failed; r++)
            {
                foreach (var p in _peers.Where(_ => _rng.Next(100) < 60).ToList())
                {
                    LocalTransaction(p);
                }

                if (_rng.Next(100) < 25)
                {
                    var pair = _peers.OrderBy(_ => _rng.Next()).Take(2).ToList();
                    SyncPair(pair[0], pair[1]);
                }

                DeliverSome(flush: false);
            }

            for (var i = 0; !Failed && _peers.Any(p => p.Inbox.Count > 0); i++)
            {
                if (i == 10)
                {
                    Fail("no quiescence after 10 flush rounds (formatting-cleanup ping-pong?)");
                    break;
                }

                DeliverSome(flush: true);
            }

            if (!Failed)
            {
                Check();
            }
        }
        catch (OracleException e)
        {
            Fail($"oracle failure: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail($"C# exception: {e}");
        }
        finally
        {
            var drops = _peers.Select(p => p.Twin ?? p.OracleName).Select(d => new JsonObject { ["op"] = "drop", ["doc"] = d }).ToList();
            if (drops.Count > 0)
            {
                try
                {
                    _oracle.Batch(drops);
                }
                catch (OracleException)
                {
                }
            }
        }
    }

    // ---- setup, editing, delivery ----

    private void Setup()
    {
        var n = _rng.Next(2, 6);
        var ids = ClientPool.OrderBy(_ => _rng.Next()).Take(_rng.Next(1, n + 1)).ToList();
        while (ids.Count < n)
        {
            var id = (uint)_rng.NextInt64(4, 4294967296L);
            if (!ids.Contains(id) && id != ReplayClientId)
            {
                ids.Add(id);
            }
        }

        var sides = Enumerable.Range(0, n).Select(i => !_oracleOnly && i % 2 == 0).OrderBy(_ => _rng.Next()).ToList();
        var news = new List<JsonObject>();
        for (var i = 0; i < n; i++)
        {
            var p = new Peer(i, ids[i], sides[i], $"{_prefix}p{i}");
            if (p.IsCs)
            {
                p.Doc = new YDoc(new YDocOptions { ClientId = p.ClientId, Gc = _gc });
                foreach (var (name, kind) in Roots)
                {
                    DocJson.Root(p.Doc, name, kind);
                }

                p.Doc.UpdateV1 += (_, e) => p.Emitted.Add((e.Update, e.IsLocal));
                p.Twin = p.OracleName + "-twin";
                news.Add(new JsonObject { ["op"] = "new", ["doc"] = p.Twin, ["clientID"] = p.ClientId, ["gc"] = _gc, ["roots"] = YjsOracle.Roots(Roots) });
            }
            else
            {
                news.Add(new JsonObject { ["op"] = "new", ["doc"] = p.OracleName, ["clientID"] = p.ClientId, ["gc"] = _gc, ["roots"] = YjsOracle.Roots(Roots) });
                p.Shape = new DocShape();
                p.Shape.Roots["text"] = new TextShape();
                p.Shape.Roots["arr"] = new ArrayShape();
                p.Shape.Roots["map"] = new MapShape();
                p.Shape.Roots["xml"] = new XmlShape();
            }

            _peers.Add(p);
        }

        _log.Add($"session {Index} seed {Seed}: gc={_gc}, surrogate splits {(_splitsSurrogates ? "allowed" : "avoided")}, {(_formatHeavy ? "formatting-heavy" : "mixed ops")}, peers " + string.Join(", ", _peers.Select(p => $"p{p.Index}({(p.IsCs ? "C#" : "yjs")}, client {p.ClientId})")));
        if (news.Count > 0)
        {
            ExpectOk(_oracle.Batch(news), "new");
        }
    }

    private void LocalTransaction(Peer p)
    {
        var shape = p.IsCs ? DocShape.FromDoc(p.Doc!, Roots) : p.Shape!.Clone();
        var ops = _gen.Transaction(shape);
        _log.Add($"p{p.Index} txn: " + string.Join(" ; ", ops));
        List<(byte[] Update, string Kind)> produced;
        if (p.IsCs)
        {
            try
            {
                p.Doc!.Transact(_ =>
                {
                    foreach (var op in ops)
                    {
                        op.Apply(p.Doc, Roots);
                    }
                });
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail($"C# peer p{p.Index} threw on a local transaction [{string.Join(" ; ", ops)}]: {e}");
                return;
            }

            produced = DrainCs(p, "edit");
            if (!p.TwinBroken)
            {
                var r = _oracle.TryCall("transact", new JsonObject { ["doc"] = p.Twin, ["ops"] = new JsonArray(ops.Select(o => (JsonNode)o.ToWire()).ToArray()) });
                var twin = r["ok"]?.GetValue<bool>() == true ? YjsOracle.Emitted(r).Select(e => e.Update).ToList() : null;
                CheckTwin(p, $"local transaction [{string.Join(" ; ", ops)}]", twin, (string?)r["error"], produced.Select(x => x.Update).ToList());
            }
        }
        else
        {
            var r = _oracle.TryCall("transact", new JsonObject { ["doc"] = p.OracleName, ["ops"] = new JsonArray(ops.Select(o => (JsonNode)o.ToWire()).ToArray()), ["shape"] = true });
            if (r["ok"]?.GetValue<bool>() != true)
            {
                Fail($"yjs peer p{p.Index} rejected a local transaction [{string.Join(" ; ", ops)}]: {(string?)r["error"]}");
                return;
            }

            p.Shape = DocShape.FromWire(r["shape"]!);
            produced = YjsOracle.Emitted(r).Select(e => (e.Update, e.Remote ? "remote?" : "edit")).ToList();
        }

        foreach (var (u, kind) in produced)
        {
            Publish(p, u, kind);
        }
    }

    /// <summary>Spec §11.2 layer 5: the C# peer and its yjs twin must emit the same local updates.</summary>
    private void CheckTwin(Peer p, string what, List<byte[]>? yjs, string? yjsError, List<byte[]> cs)
    {
        if (p.TwinBroken)
        {
            return;
        }

        if (yjs is null)
        {
            p.TwinBroken = true;
            Fail($"local parity, p{p.Index} (client {p.ClientId}) {what}: yjs twin failed: {yjsError}");
            return;
        }

        if (yjs.Count == cs.Count && yjs.Zip(cs).All(x => x.First.AsSpan().SequenceEqual(x.Second)))
        {
            return;
        }

        p.TwinBroken = true;
        var sb = new StringBuilder($"local parity, p{p.Index} (client {p.ClientId}) {what}: yjs emitted {yjs.Count} update(s), C# {cs.Count}\n");
        for (var i = 0; i < Math.Max(yjs.Count, cs.Count); i++)
        {
            var a = i < yjs.Count ? yjs[i] : [];
            var b = i < cs.Count ? cs[i] : [];
            if (!a.AsSpan().SequenceEqual(b))
            {
                sb.Append(Diff($"yjs #{i}", a, $"C# #{i}", b));
            }
        }

        Fail(sb.ToString());
    }

    private List<(byte[] Update, string Kind)> DrainCs(Peer p, string kind)
    {
        var locals = p.Emitted.Where(e => e.Local).Select(e => (e.Update, kind)).ToList();
        p.Emitted.Clear();
        return locals;
    }

    /// <summary>A peer emitted a local update: it is in the peer's own sequence and in everyone else's inbox.</summary>
    private void Publish(Peer author, byte[] update, string kind)
    {
        var id = _updates.Count;
        _updates.Add(new UpdateRec(id, update, author.Index, kind));
        author.Sequence.Add(id);
        author.Seen.Add(id);
        foreach (var q in _peers.Where(q => q != author))
        {
            q.Inbox.Add(id);
        }

        _log.Add($"  u{id} by p{author.Index} ({(author.IsCs ? "C#" : "yjs")} {kind}): {Wire.Hex(update)}");
    }

    /// <summary>A partial sync (spec §11.2 layer 3): b receives encodeStateAsUpdate(a, sv(b)).</summary>
    private void SyncPair(Peer a, Peer b)
    {
        if (Failed)
        {
            return;
        }

        var svB = b.IsCs ? b.Doc!.EncodeStateVector() : _oracle.StateVector(b.OracleName);
        byte[] diff;
        try
        {
            diff = a.IsCs ? a.Doc!.EncodeStateAsUpdate(svB) : _oracle.State(a.OracleName, svB);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OracleException)
        {
            Fail($"C# peer p{a.Index} threw on encodeStateAsUpdate(sv {Wire.Hex(svB)}): {e}");
            return;
        }

        if (a.IsCs && !a.TwinBroken)
        {
            var twinDiff = _oracle.State(a.Twin!, svB);
            if (!twinDiff.AsSpan().SequenceEqual(diff))
            {
                a.TwinBroken = true;
                Fail($"local parity, p{a.Index} (client {a.ClientId}): encodeStateAsUpdate(sv {Wire.Hex(svB)}) differs from its yjs twin's\n" + Diff("yjs twin", twinDiff, "C#", diff));
            }
        }

        var id = _updates.Count;
        _updates.Add(new UpdateRec(id, diff, a.Index, $"sync p{a.Index}->p{b.Index}"));
        _log.Add($"sync p{a.Index} -> p{b.Index} (sv {Wire.Hex(svB)}): u{id} = {Wire.Hex(diff)}");
        Deliveries++;
        b.Sequence.Add(id);
        b.Seen.Add(id);
        if (b.IsCs)
        {
            try
            {
                b.Doc!.ApplyUpdate(diff, "remote");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail($"C# peer p{b.Index} rejected sync update u{id} from p{a.Index} ({Side(a.Index)}): {e.GetType().Name}: {e.Message}");
                return;
            }

            var cleanups = DrainCs(b, "cleanup");
            if (!b.TwinBroken)
            {
                var r = _oracle.TryCall("apply", new JsonObject { ["doc"] = b.Twin, ["update"] = Convert.ToBase64String(diff) });
                var twin = r["ok"]?.GetValue<bool>() == true ? YjsOracle.Emitted(r).Where(e => !e.Remote).Select(e => e.Update).ToList() : null;
                CheckTwin(b, $"cleanup after sync update u{id}", twin, (string?)r["error"], cleanups.Select(x => x.Update).ToList());
            }

            foreach (var (c, kind) in cleanups)
            {
                Publish(b, c, kind);
            }
        }
        else
        {
            var r = _oracle.TryCall("apply", new JsonObject { ["doc"] = b.OracleName, ["update"] = Convert.ToBase64String(diff), ["shape"] = true });
            if (r["ok"]?.GetValue<bool>() != true)
            {
                Fail($"yjs peer p{b.Index} rejected sync update u{id} from p{a.Index} ({Side(a.Index)}): {(string?)r["error"]}");
                return;
            }

            b.Shape = DocShape.FromWire(r["shape"]!);
            foreach (var e in YjsOracle.Emitted(r).Where(e => !e.Remote))
            {
                Publish(b, e.Update, "cleanup");
            }
        }
    }

    private void DeliverSome(bool flush)
    {
        var oracleRequests = new List<JsonObject>();
        var oracleTargets = new List<(Peer P, int U, List<byte[]>? CsCleanups)>();
        foreach (var p in _peers)
        {
            if (p.Inbox.Count == 0 || (!flush && _rng.Next(100) < 40))
            {
                continue;
            }

            var batch = p.Inbox.OrderBy(_ => _rng.Next()).ToList();
            if (!flush)
            {
                batch = batch.Take(1 + _rng.Next(batch.Count)).ToList();
            }

            if (p.Seen.Count > 0 && _rng.Next(100) < 15)
            {
                batch.Insert(_rng.Next(batch.Count + 1), p.Seen.ElementAt(_rng.Next(p.Seen.Count))); // a duplicate
            }

            foreach (var u in batch)
            {
                p.Inbox.Remove(u);
            }

            _log.Add($"deliver to p{p.Index}: " + string.Join(" ", batch.Select(u => $"u{u}")));
            foreach (var u in batch)
            {
                Deliveries++;
                if (p.IsCs)
                {
                    p.Sequence.Add(u);
                    p.Seen.Add(u);
                    try
                    {
                        p.Doc!.ApplyUpdate(_updates[u].Bytes, "remote");
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        Fail($"C# peer p{p.Index} rejected u{u} (from p{_updates[u].Author}, {Side(_updates[u].Author)}): {e.GetType().Name}: {e.Message}");
                        return;
                    }

                    var cleanups = DrainCs(p, "cleanup");
                    foreach (var (c, kind) in cleanups)
                    {
                        Publish(p, c, kind);
                    }

                    if (!p.TwinBroken)
                    {
                        oracleRequests.Add(new JsonObject { ["op"] = "apply", ["doc"] = p.Twin, ["update"] = Convert.ToBase64String(_updates[u].Bytes) });
                        oracleTargets.Add((p, u, cleanups.Select(x => x.Update).ToList()));
                    }
                }
                else
                {
                    oracleRequests.Add(new JsonObject { ["op"] = "apply", ["doc"] = p.OracleName, ["update"] = Convert.ToBase64String(_updates[u].Bytes), ["shape"] = true });
                    oracleTargets.Add((p, u, null));
                }
            }
        }

        if (oracleRequests.Count == 0)
        {
            return;
        }

        var results = _oracle.Batch(oracleRequests);
        for (var i = 0; i < results.Count; i++)
        {
            var (p, u, csCleanups) = oracleTargets[i];
            var r = results[i];
            if (csCleanups is not null)
            {
                var twin = r["ok"]?.GetValue<bool>() == true ? YjsOracle.Emitted(r).Where(e => !e.Remote).Select(e => e.Update).ToList() : null;
                CheckTwin(p, $"cleanup after delivery of u{u}", twin, (string?)r["error"], csCleanups);
                continue;
            }

            p.Sequence.Add(u);
            p.Seen.Add(u);
            if (r["ok"]?.GetValue<bool>() != true)
            {
                Fail($"yjs peer p{p.Index} rejected u{u} (from p{_updates[u].Author}, {Side(_updates[u].Author)}): {(string?)r["error"]}");
                return;
            }

            p.Shape = DocShape.FromWire(r["shape"]!);
            foreach (var e in YjsOracle.Emitted(r).Where(e => !e.Remote))
            {
                Publish(p, e.Update, "cleanup");
            }
        }
    }

    private string Side(int peer) => _peers[peer].IsCs ? "C#" : "yjs";

    // ---- checks ----

    private void Check()
    {
        List<byte[]> svs = [RandomStateVector(), RandomStateVector(), [0]];
        var requests = new List<JsonObject>();
        var oraclePeers = _peers.Where(p => !p.IsCs).ToList();
        foreach (var p in oraclePeers)
        {
            requests.Add(new JsonObject { ["op"] = "json", ["doc"] = p.OracleName });
            requests.Add(new JsonObject { ["op"] = "state", ["doc"] = p.OracleName });
            requests.Add(new JsonObject { ["op"] = "sv", ["doc"] = p.OracleName });
        }

        var twins = _peers.Where(p => p.Twin is not null && !p.TwinBroken).ToList();
        foreach (var p in twins)
        {
            requests.Add(new JsonObject { ["op"] = "state", ["doc"] = p.Twin });
            requests.Add(new JsonObject { ["op"] = "json", ["doc"] = p.Twin });
        }

        foreach (var p in _peers)
        {
            requests.Add(ReplayRequest(p.Sequence.Select(u => _updates[u].Bytes), steps: true, svs));
        }

        var docless = DoclessInputs();
        foreach (var d in docless)
        {
            requests.Add(new JsonObject { ["op"] = "merge", ["updates"] = B64Array(d.Subset) });
            requests.Add(new JsonObject { ["op"] = "diff", ["update"] = Convert.ToBase64String(d.DiffInput), ["sv"] = Convert.ToBase64String(d.Sv) });
            requests.Add(new JsonObject { ["op"] = "svFromUpdate", ["update"] = Convert.ToBase64String(d.DiffInput) });
            requests.Add(ReplayRequest([d.DiffInput], steps: true, svs));
        }

        var v2 = _oracleOnly ? null : V2Requests(requests, twins, docless, svs);
        var results = _oracle.Batch(requests, TimeSpan.FromMinutes(5));
        ExpectOk(results, "check batch");
        if (Failed)
        {
            return;
        }

        var k = 0;
        var live = new Dictionary<int, (string Json, string Canonical, byte[] State, byte[] Sv)>();
        foreach (var p in oraclePeers)
        {
            live[p.Index] = ((string)results[k]["json"]!, (string)results[k]["canonical"]!, YjsOracle.B64(results[k + 1]["update"]), YjsOracle.B64(results[k + 2]["sv"]));
            k += 3;
        }

        foreach (var p in _peers.Where(p => p.IsCs))
        {
            var json = DocJson.Of(p.Doc!, Roots);
            live[p.Index] = (json, Wire.Canonical(json), p.Doc!.EncodeStateAsUpdate(), p.Doc!.EncodeStateVector());
        }

        foreach (var p in twins)
        {
            var twinState = YjsOracle.B64(results[k++]["update"]);
            var twinJson = (string)results[k++]["json"]!;
            if (!twinState.AsSpan().SequenceEqual(live[p.Index].State))
            {
                Fail($"local parity, p{p.Index} (client {p.ClientId}): final state differs from its yjs twin's\n" + Diff("yjs twin", twinState, "C#", live[p.Index].State));
            }

            if (twinJson != live[p.Index].Json)
            {
                Fail($"local parity, p{p.Index}: JSON text differs from its yjs twin's (yjs key order)\n   yjs {twinJson}\n   C#  {live[p.Index].Json}");
            }
        }

        // Convergence of all peers (not when ops may split surrogate pairs: yjs peers diverge then).
        // yjs itself can fail to converge: a delivery order can leave structs pending for good
        // ("sticky pending"). When fresh yjs docs fed the two peers' sequences disagree the same
        // way, the divergence is yjs's own and only noted; the replays below still hold C# to yjs.
        var first = live[0];
        var yjsReplays = _peers.Select((_, i) => results[k + i]).ToList();
        foreach (var p in _peers.Skip(1).Where(_ => !_splitsSurrogates))
        {
            var other = live[p.Index];
            var jsonDiffers = Wire.Canonical(other.Canonical) != Wire.Canonical(first.Canonical);
            var svDiffers = !other.Sv.AsSpan().SequenceEqual(first.Sv);
            if (!jsonDiffers && !svDiffers)
            {
                continue;
            }

            var yjsItself = (string)yjsReplays[0]["canonical"]! != (string)yjsReplays[p.Index]["canonical"]!
                || (string)yjsReplays[0]["sv"]! != (string)yjsReplays[p.Index]["sv"]!;
            if (yjsItself)
            {
                YjsDiverged = true;
                _log.Add($"note: p0 and p{p.Index} diverge, and so do fresh yjs docs fed their sequences (yjs's own behaviour, e.g. sticky pending structs)");
                continue;
            }

            if (jsonDiffers)
            {
                Fail($"divergence: p0 ({Side(0)}) JSON {first.Canonical}\n   p{p.Index} ({Side(p.Index)}) JSON {other.Canonical}");
            }

            if (svDiffers)
            {
                Fail($"divergence: p0 sv {Wire.Hex(first.Sv)} vs p{p.Index} sv {Wire.Hex(other.Sv)}");
            }
        }

        // Replays of each peer's exact sequence, C# vs yjs, and against the live peer.
        foreach (var p in _peers)
        {
            var js = results[k++];
            var seq = p.Sequence.Select(u => _updates[u].Bytes).ToList();
            foreach (var err in js["errors"]!.AsArray())
            {
                Fail($"yjs replay of p{p.Index}'s sequence rejected step {err!["index"]} (u{p.Sequence[err["index"]!.GetValue<int>()]}): {(string?)err["error"]}");
            }

            // A live doc is not compared with the replay: even in yjs, the author of a sequence and a
            // fresh doc fed it can end with different store granularity (e.g. adjacent GC structs
            // left unmerged). The yjs twin of each C# peer covers the live doc instead.
            if (!_oracleOnly)
            {
                CompareReplay($"replay of p{p.Index}'s sequence", seq, i => $"u{p.Sequence[i]} from p{_updates[p.Sequence[i]].Author} {Side(_updates[p.Sequence[i]].Author)}, {_updates[p.Sequence[i]].Kind}; sequence [{string.Join(" ", p.Sequence.Take(i + 1).Select(u => $"u{u}"))}]", js, svs);
            }
        }

        // Doc-less operations.
        if (!_oracleOnly)
        {
            foreach (var d in docless)
            {
                var merge = YjsOracle.B64(results[k++]["update"]);
                var diff = YjsOracle.B64(results[k++]["update"]);
                var sv = YjsOracle.B64(results[k++]["sv"]);
                var replay = results[k++];
                var label = $"subset [{string.Join(" ", d.Ids.Select(u => $"u{u}"))}]";
                CompareReplay($"a fresh doc fed mergeUpdates({label}) (C# merge)", [d.DiffInput], _ => "the merged update", replay, svs);
                CompareBytes($"mergeUpdates {label}", merge, () => YUpdate.MergeUpdates(d.Subset));
                CompareBytes($"diffUpdate(mergeUpdates {label}, sv {Wire.Hex(d.Sv)})", diff, () => YUpdate.DiffUpdate(d.DiffInput, d.Sv));
                CompareBytes($"encodeStateVectorFromUpdate(mergeUpdates {label})", sv, () => YUpdate.EncodeStateVectorFromUpdate(d.DiffInput));
            }
        }

        if (v2 is not null)
        {
            CheckV2(v2, results, twins, docless, svs);
        }
    }

    // ---- update format V2 ----

    /// <summary>What the V2 part of <see cref="Check"/> sent: where its results start, and its inputs.</summary>
    private sealed record V2Plan(int Start, Peer ReplayPeer, List<byte[]> ReplaySequence, List<(List<byte[]> Subset, byte[] DiffInput)> Docless);

    /// <summary>
    /// Adds the V2 requests: yjs's conversion of every update of the session to V2 and back,
    /// encodeStateAsUpdateV2 of every yjs twin (whole and against a state vector), one peer's
    /// sequence replayed as V2 updates (applyUpdateV2, step by step), and the doc-less V2
    /// operations on the doc-less inputs converted to V2.
    /// </summary>
    private V2Plan? V2Requests(List<JsonObject> requests, List<Peer> twins, List<DoclessInput> docless, List<byte[]> svs)
    {
        int start = requests.Count;
        List<byte[]> all;
        try
        {
            all = _updates.Select(u => YUpdate.ConvertUpdateFormatV1ToV2(u.Bytes)).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail($"convertUpdateFormatV1ToV2: C# threw {e.GetType().Name}: {e.Message}");
            return null;
        }

        requests.Add(new JsonObject { ["op"] = "convertAll", ["to"] = "v2", ["updates"] = B64Array(_updates.Select(u => u.Bytes)) });
        requests.Add(new JsonObject { ["op"] = "convertAll", ["to"] = "v1", ["updates"] = B64Array(all) });
        foreach (var p in twins)
        {
            requests.Add(new JsonObject { ["op"] = "stateV2", ["doc"] = p.Twin });
            requests.Add(new JsonObject { ["op"] = "stateV2", ["doc"] = p.Twin, ["sv"] = Convert.ToBase64String(svs[0]) });
        }

        var peer = _peers[_rng.Next(_peers.Count)];
        var seq = peer.Sequence.Select(u => all[u]).ToList();
        var replay = ReplayRequest(seq, steps: true, svs);
        replay["v2"] = true;
        requests.Add(replay);
        var doclessV2 = new List<(List<byte[]> Subset, byte[] DiffInput)>();
        foreach (var d in docless)
        {
            var subset = d.Subset.Select(u => YUpdate.ConvertUpdateFormatV1ToV2(u)).ToList();
            var input = YUpdate.ConvertUpdateFormatV1ToV2(d.DiffInput);
            doclessV2.Add((subset, input));
            requests.Add(new JsonObject { ["op"] = "merge", ["v2"] = true, ["updates"] = B64Array(subset) });
            requests.Add(new JsonObject { ["op"] = "diff", ["v2"] = true, ["update"] = Convert.ToBase64String(input), ["sv"] = Convert.ToBase64String(d.Sv) });
            requests.Add(new JsonObject { ["op"] = "svFromUpdate", ["v2"] = true, ["update"] = Convert.ToBase64String(input) });
        }

        return new V2Plan(start, peer, seq, doclessV2);
    }

    private void CheckV2(V2Plan plan, IReadOnlyList<JsonObject> results, List<Peer> twins, List<DoclessInput> docless, List<byte[]> svs)
    {
        var k = plan.Start;
        var toV2 = results[k++]["updates"]!.AsArray();
        var toV1 = results[k++]["updates"]!.AsArray();
        for (var u = 0; u < _updates.Count; u++)
        {
            var yjsV2 = Convert.FromBase64String((string)toV2[u]!);
            CompareBytes($"convertUpdateFormatV1ToV2(u{u})", yjsV2, () => YUpdate.ConvertUpdateFormatV1ToV2(_updates[u].Bytes));
            CompareBytes($"convertUpdateFormatV2ToV1(u{u} as V2)", Convert.FromBase64String((string)toV1[u]!), () => YUpdate.ConvertUpdateFormatV2ToV1(yjsV2));
        }

        foreach (var p in twins)
        {
            var whole = YjsOracle.B64(results[k++]["update"]);
            var partial = YjsOracle.B64(results[k++]["update"]);
            CompareBytes($"encodeStateAsUpdateV2 of p{p.Index} (C#) vs its yjs twin", whole, () => p.Doc!.EncodeStateAsUpdateV2());
            CompareBytes($"encodeStateAsUpdateV2(sv {Wire.Hex(svs[0])}) of p{p.Index} (C#) vs its yjs twin", partial, () => p.Doc!.EncodeStateAsUpdateV2(svs[0]));
        }

        var seq = plan.ReplaySequence;
        CompareReplay($"V2 replay of p{plan.ReplayPeer.Index}'s sequence", seq, i => $"u{plan.ReplayPeer.Sequence[i]} as V2", results[k++], svs, v2: true);
        for (var i = 0; i < docless.Count; i++)
        {
            var (subset, input) = plan.Docless[i];
            var label = $"subset [{string.Join(" ", docless[i].Ids.Select(u => $"u{u}"))}] as V2";
            CompareBytes($"mergeUpdatesV2 {label}", YjsOracle.B64(results[k++]["update"]), () => YUpdate.MergeUpdatesV2(subset));
            CompareBytes($"diffUpdateV2(mergeUpdates {label}, sv {Wire.Hex(docless[i].Sv)})", YjsOracle.B64(results[k++]["update"]), () => YUpdate.DiffUpdateV2(input, docless[i].Sv));
            CompareBytes($"encodeStateVectorFromUpdateV2(mergeUpdates {label})", YjsOracle.B64(results[k++]["sv"]), () => YUpdate.EncodeStateVectorFromUpdateV2(input));
        }
    }

    private void CompareReplay(string what, List<byte[]> seq, Func<int, string> stepInfo, JsonObject js, List<byte[]> svs, bool v2 = false)
    {
        var doc = new YDoc(new YDocOptions { ClientId = ReplayClientId, Gc = _gc });
        foreach (var (name, kind) in Roots)
        {
            DocJson.Root(doc, name, kind);
        }

        var cleanups = new List<string>();
        EventHandler<YUpdateEventArgs> onUpdate = (_, e) =>
        {
            if (e.IsLocal)
            {
                cleanups.Add(Wire.Hex(e.Update));
            }
        };
        if (v2)
        {
            doc.UpdateV2 += onUpdate;
        }
        else
        {
            doc.UpdateV1 += onUpdate;
        }

        var steps = js["steps"]!.AsArray();
        for (var i = 0; i < seq.Count; i++)
        {
            try
            {
                if (v2)
                {
                    doc.ApplyUpdateV2(seq[i], "remote");
                }
                else
                {
                    doc.ApplyUpdate(seq[i], "remote");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail($"{what}: C# rejected step {i} ({stepInfo(i)}): {e.GetType().Name}: {e.Message}");
                return;
            }

            var state = doc.EncodeStateAsUpdate();
            var h = Convert.ToHexStringLower(SHA1.HashData(state));
            var sv = Convert.ToBase64String(doc.EncodeStateVector());
            if (h != (string)steps[i]!["h"]! || sv != (string)steps[i]!["sv"]!)
            {
                var request = ReplayRequest(seq.Take(i + 1), steps: false, []);
                request["v2"] = v2;
                var yjs = _oracle.Call("replay", request);
                Fail($"{what}: C# and yjs differ after step {i} ({stepInfo(i)})\n"
                    + $"   sv yjs {Wire.Hex(Convert.FromBase64String((string)steps[i]!["sv"]!))} / C# {Wire.Hex(Convert.FromBase64String(sv))}\n"
                    + Diff("yjs", YjsOracle.B64(yjs["state"]), "C#", state));
                return;
            }
        }

        var json = DocJson.Of(doc, Roots);
        if (json != (string)js["json"]!)
        {
            Fail($"{what}: JSON differs (yjs key order kept)\n   yjs {(string)js["json"]!}\n   C#  {json}");
        }

        foreach (var (name, delta) in js["deltas"]!.AsObject())
        {
            var mine = DocJson.Delta(doc.GetText(name));
            if (Wire.Canonical(mine) != Wire.Canonical((string)delta!))
            {
                Fail($"{what}: toDelta() of text '{name}' differs\n   yjs {(string)delta!}\n   C#  {mine}");
            }
        }

        var jsCleanups = js["emitted"]!.AsArray().Select(e => Wire.Hex(Convert.FromBase64String((string)e!["update"]!))).ToList();
        if (!jsCleanups.SequenceEqual(cleanups))
        {
            Fail($"{what}: local (formatting-cleanup) updates differ\n   yjs [{string.Join(" | ", jsCleanups)}]\n   C#  [{string.Join(" | ", cleanups)}]");
        }

        var withSv = js["withSv"]!.AsArray();
        for (var i = 0; i < svs.Count; i++)
        {
            var expected = Convert.FromBase64String((string)withSv[i]!);
            var actual = doc.EncodeStateAsUpdate(svs[i]);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                Fail($"{what}: encodeStateAsUpdate(sv {Wire.Hex(svs[i])}) differs\n" + Diff("yjs", expected, "C#", actual));
            }
        }

        if (v2)
        {
            CompareBytes($"{what}: encodeStateAsUpdateV2", YjsOracle.B64(js["stateV2"]), () => doc.EncodeStateAsUpdateV2());
            var withSvV2 = js["withSvV2"]!.AsArray();
            for (var i = 0; i < svs.Count; i++)
            {
                CompareBytes($"{what}: encodeStateAsUpdateV2(sv {Wire.Hex(svs[i])})", Convert.FromBase64String((string)withSvV2[i]!), () => doc.EncodeStateAsUpdateV2(svs[i]));
            }
        }
    }

    private void CompareBytes(string what, byte[] expected, Func<byte[]> actual)
    {
        byte[] got;
        try
        {
            got = actual();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail($"{what}: C# threw {e.GetType().Name}: {e.Message}");
            return;
        }

        if (!expected.AsSpan().SequenceEqual(got))
        {
            Fail($"{what} differs\n" + Diff("yjs", expected, "C#", got));
        }
    }

    private List<DoclessInput> DoclessInputs()
    {
        var list = new List<DoclessInput>();
        if (_updates.Count == 0)
        {
            return list;
        }

        for (var i = 0; i < 2; i++)
        {
            var ids = Enumerable.Range(0, _updates.Count).OrderBy(_ => _rng.Next()).Take(1 + _rng.Next(Math.Min(_updates.Count, 8))).ToList();
            var subset = ids.Select(u => _updates[u].Bytes).ToList();
            // The diff / sv-from-update input: the C# merge when available (yjs must take C# bytes
            // too), otherwise a single original update.
            byte[] input;
            try
            {
                input = _oracleOnly || subset.Count == 1 ? subset[0] : YUpdate.MergeUpdates(subset);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail($"mergeUpdates of [{string.Join(" ", ids.Select(u => $"u{u}"))}]: C# threw {e.GetType().Name}: {e.Message}");
                input = subset[0];
            }

            list.Add(new DoclessInput(ids, subset, input, RandomStateVector()));
        }

        return list;
    }

    /// <summary>A state vector over the session's clients with random clocks (possibly beyond what exists).</summary>
    private byte[] RandomStateVector()
    {
        var entries = _peers.Where(_ => _rng.Next(3) != 0).Select(p => (Client: (ulong)p.ClientId, Clock: (ulong)_rng.Next(0, 40))).ToList();
        var bytes = new List<byte>();
        WriteVarUint(bytes, (ulong)entries.Count);
        foreach (var (client, clock) in entries)
        {
            WriteVarUint(bytes, client);
            WriteVarUint(bytes, clock);
        }

        return [.. bytes];
    }

    private static void WriteVarUint(List<byte> into, ulong v)
    {
        while (v > 0x7f)
        {
            into.Add((byte)(0x80 | (v & 0x7f)));
            v >>= 7;
        }

        into.Add((byte)v);
    }

    private JsonObject ReplayRequest(IEnumerable<byte[]> updates, bool steps, List<byte[]> svs) => new()
    {
        ["op"] = "replay",
        ["clientID"] = ReplayClientId,
        ["gc"] = _gc,
        ["roots"] = YjsOracle.Roots(Roots),
        ["updates"] = B64Array(updates),
        ["steps"] = steps,
        ["svs"] = B64Array(svs),
    };

    private static JsonArray B64Array(IEnumerable<byte[]> items) => new(items.Select(u => (JsonNode)Convert.ToBase64String(u)).ToArray());

    private void ExpectOk(IReadOnlyList<JsonObject> results, string what)
    {
        foreach (var r in results.Where(r => r["ok"]?.GetValue<bool>() != true))
        {
            Fail($"oracle {what}: {(string?)r["error"]}");
        }
    }

    /// <summary>Hex of both plus yjs's struct-by-struct decoding of both, for the report.</summary>
    private string Diff(string nameA, byte[] a, string nameB, byte[] b)
    {
        var da = _oracle.Decode(a).Split('\n');
        var db = _oracle.Decode(b).Split('\n');
        var sb = new StringBuilder();
        sb.Append("   ").Append(nameA).Append(": ").AppendLine(Wire.Hex(a));
        sb.Append("   ").Append(nameB).Append(": ").AppendLine(Wire.Hex(b));
        sb.AppendLine($"   decoded structs, line diff (- {nameA}, + {nameB}):");
        AppendLineDiff(sb, da.Select(l => l.Trim()).Where(l => l.Length > 0).ToList(), db.Select(l => l.Trim()).Where(l => l.Length > 0).ToList());
        return sb.ToString();
    }

    /// <summary>LCS line diff with two lines of context; the decoded updates are at most a few hundred lines.</summary>
    private static void AppendLineDiff(StringBuilder sb, List<string> a, List<string> b)
    {
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Tag, string Line)>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y])
            {
                lines.Add((' ', a[x++]));
                y++;
            }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', b[y++]));
            }
            else
            {
                lines.Add(('-', a[x++]));
            }
        }

        var show = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Tag != ' ')
            {
                for (var k = Math.Max(0, i - 2); k <= Math.Min(lines.Count - 1, i + 2); k++)
                {
                    show[k] = true;
                }
            }
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (show[i])
            {
                sb.Append("    ").Append(lines[i].Tag).Append(' ').AppendLine(lines[i].Line);
            }
            else if (i > 0 && show[i - 1])
            {
                sb.AppendLine("      …");
            }
        }
    }

    private void Fail(string message) => _failures.Add(message);

    /// <summary>The whole session for a failure report: peers, every transaction's ops, every update, every delivery.</summary>
    public string Report(int maxLogLines = 400)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"=== session {Index}, seed {Seed} (rerun alone: CRDT_DIFF_SEED={Seed} CRDT_DIFF_SESSIONS=1) ===");
        foreach (var f in _failures.Take(5))
        {
            sb.Append("FAIL: ").AppendLine(f);
        }

        if (_failures.Count > 5)
        {
            sb.AppendLine($"(+{_failures.Count - 5} more failures)");
        }

        sb.AppendLine("--- op log ---");
        foreach (var l in _log.Take(maxLogLines))
        {
            sb.AppendLine(l);
        }

        if (_log.Count > maxLogLines)
        {
            sb.AppendLine($"(+{_log.Count - maxLogLines} more log lines)");
        }

        return sb.ToString();
    }

    private sealed class Peer(int index, uint clientId, bool isCs, string oracleName)
    {
        public int Index { get; } = index;

        public uint ClientId { get; } = clientId;

        public bool IsCs { get; } = isCs;

        public string OracleName { get; } = oracleName;

        public YDoc? Doc { get; set; }

        public DocShape? Shape { get; set; }

        /// <summary>For a C# peer: a yjs doc with the same client id fed the same ops and updates (local-op parity).</summary>
        public string? Twin { get; set; }

        public bool TwinBroken { get; set; }

        public List<(byte[] Update, bool Local)> Emitted { get; } = [];

        public List<int> Sequence { get; } = [];

        public List<int> Inbox { get; } = [];

        public HashSet<int> Seen { get; } = [];
    }

    private sealed record UpdateRec(int Id, byte[] Bytes, int Author, string Kind);

    private sealed record DoclessInput(List<int> Ids, List<byte[]> Subset, byte[] DiffInput, byte[] Sv);
}
