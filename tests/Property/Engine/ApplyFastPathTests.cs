using CrdtCollab.Property.Tests.Properties;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// <c>ApplyUpdate</c> integrates an update holding one client's run that appends to the known
/// state without the general driver's queues (<c>StructIntegrator.TryIntegrateInOrder</c>), and
/// reuses its decode containers and transaction objects between calls. An update with an extra,
/// empty run of an unknown client means exactly the same to Yjs but always takes the general
/// path; two replicas fed a session's updates in a shuffled order (so some are pending, some
/// out of order, some already known), one the updates as they are and one with the empty run
/// added, must emit the same updates and end every step in the same state.
/// </summary>
public sealed class ApplyFastPathTests
{
    private const long UnknownClient = 999_999_999;

    [CrdtProperty(200)]
    public FsCheck.Property Single_run_fast_path_matches_the_general_path() =>
        Prop.ForAll(SessionCase.Arbitrary(maxReplicas: 3, maxSteps: 40), c =>
        {
            var run = new SessionRunner(c.Session).RunSteps();
            var log = run.Log.Select(s => s.Update).ToList();
            var fast = SessionRunner.NewDoc(c.Session.Gc, 999_999_001);
            var general = SessionRunner.NewDoc(c.Session.Gc, 999_999_001);
            var fastEmitted = new List<byte[]>();
            var generalEmitted = new List<byte[]>();
            fast.UpdateV1 += (_, e) => fastEmitted.Add(e.Update);
            general.UpdateV1 += (_, e) => generalEmitted.Add(e.Update);
            foreach (int i in c.Order(log.Count))
            {
                fast.ApplyUpdate(log[i], SessionRunner.NetOrigin);
                general.ApplyUpdate(WithEmptyRun(log[i]), SessionRunner.NetOrigin);
                string what = $"after update {i} ({Check2.Hex(log[i])})";
                Check2.Same(DocState.Of(general), DocState.Of(fast), what);
                Check2.Equal(string.Join(" ", generalEmitted.Select(Check2.Hex)), string.Join(" ", fastEmitted.Select(Check2.Hex)), "emitted updates " + what);
            }
        });

    [Fact]
    public void Empty_run_rewrite_keeps_the_update_meaning()
    {
        var doc = SessionRunner.NewDoc(gc: true, 1);
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        doc.GetText(SessionRunner.TextRoot).Insert(0, "hello");
        doc.GetText(SessionRunner.TextRoot).Delete(1, 2);
        var a = SessionRunner.NewDoc(gc: true, 2);
        var b = SessionRunner.NewDoc(gc: true, 2);
        foreach (var u in updates)
        {
            a.ApplyUpdate(u);
            b.ApplyUpdate(WithEmptyRun(u));
        }
        Assert.Equal("hlo", b.GetText(SessionRunner.TextRoot).ToString());
        Assert.Equal(a.EncodeStateAsUpdate(), b.EncodeStateAsUpdate());
    }

    /// <summary>
    /// A peer typing (each keystroke continues its newest item, which the receiver appends in
    /// place, <c>RemoteTyping</c>), with deletions in the same transaction, a jump back into
    /// the typed run, and a concurrent peer typing at the same place.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Remote_typing_appended_in_place_matches_the_general_path(int seed)
    {
        var rng = new Random(seed);
        var writers = new[] { SessionRunner.NewDoc(gc: seed != 2, 10), SessionRunner.NewDoc(gc: seed != 2, 20) };
        var updates = new List<byte[]>();
        foreach (var w in writers)
        {
            w.UpdateV1 += (_, e) => updates.Add(e.Update);
        }
        int[] cursor = [0, 0];
        for (int step = 0; step < 400; step++)
        {
            int who = rng.Next(5) == 0 ? 1 : 0;
            var text = writers[who].GetText(SessionRunner.TextRoot);
            int at = Math.Min(cursor[who], text.Length);
            writers[who].Transact(_ =>
            {
                text.Insert(at, ((char)('a' + rng.Next(26))).ToString());
                at++;
                if (rng.Next(4) == 0 && text.Length > 1)
                {
                    int from = rng.Next(text.Length - 1);
                    text.Delete(from, 1);
                    at = from < at ? at - 1 : at;
                }
                if (rng.Next(6) == 0)
                {
                    at = rng.Next(text.Length + 1);
                }
            });
            cursor[who] = at;
            if (rng.Next(3) == 0)
            {
                // Deliver everything so far between the writers (they stay in sync, mostly).
                var a = writers[0].EncodeStateAsUpdate();
                var b = writers[1].EncodeStateAsUpdate();
                writers[0].ApplyUpdate(b, SessionRunner.NetOrigin);
                writers[1].ApplyUpdate(a, SessionRunner.NetOrigin);
            }
        }
        var fast = SessionRunner.NewDoc(gc: seed != 2, 30);
        var general = SessionRunner.NewDoc(gc: seed != 2, 30);
        foreach (var u in updates)
        {
            fast.ApplyUpdate(u);
            general.ApplyUpdate(WithEmptyRun(u));
        }
        Check2.Same(DocState.Of(general), DocState.Of(fast), "after all updates");
    }

    /// <summary>The same V1 update with one more run: zero structs of a client no session uses.</summary>
    internal static byte[] WithEmptyRun(byte[] update)
    {
        int pos = 0;
        long runs = ReadVarUint(update, ref pos);
        var result = new List<byte>();
        WriteVarUint(result, runs + 1);
        WriteVarUint(result, 0);
        WriteVarUint(result, UnknownClient);
        WriteVarUint(result, 0);
        result.AddRange(update.AsSpan(pos).ToArray());
        return [.. result];
    }

    private static long ReadVarUint(byte[] bytes, ref int pos)
    {
        long value = 0;
        int shift = 0;
        while (true)
        {
            byte b = bytes[pos++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
            shift += 7;
        }
    }

    private static void WriteVarUint(List<byte> bytes, long value)
    {
        while (value > 0x7F)
        {
            bytes.Add((byte)(0x80 | (value & 0x7F)));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }
}
