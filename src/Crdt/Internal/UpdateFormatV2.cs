using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Conversion between update formats V1 and V2. Both carry the same structs and delete set;
/// every V2 operation of the document and of <see cref="YUpdate"/> goes through the V1 code
/// (which is what yjs's V1 and V2 paths compute too) and converts at the boundary.
/// </summary>
internal static class UpdateFormatV2
{
    /// <summary>Decodes and validates a V2 update.</summary>
    public static (List<StructRun> Runs, DeleteSet Deletes) Read(ReadOnlySpan<byte> update)
    {
        var decoder = new UpdateDecoderV2(update);
        var runs = decoder.ReadRuns();
        var ds = decoder.ReadDeleteSet();
        return (runs, ds);
    }

    /// <summary>
    /// V2 → V1. With <paramref name="asYjsConverts"/> runs are regrouped as yjs's
    /// <c>convertUpdateFormatV2ToV1</c> does (consecutive runs of one client become one run, empty
    /// runs vanish); without, every run is kept as it is, so the V1 update means exactly what the
    /// V2 update meant to yjs's decoder (a later run of a client replaces an earlier one).
    /// </summary>
    public static byte[] ToV1(ReadOnlySpan<byte> update, bool asYjsConverts)
    {
        var (runs, ds) = Read(update);
        using var writer = new Lib0Writer(update.Length * 2 + 16);
        if (asYjsConverts)
        {
            WriteLazy(writer, runs);
        }
        else
        {
            writer.WriteVarUint(runs.Count);
            foreach (var run in runs)
            {
                writer.WriteVarUint(run.Structs.Count);
                writer.WriteVarUint(run.Client);
                writer.WriteVarUint(run.Structs.Count > 0 ? run.Structs[0].Clock : 0);
                foreach (var s in run.Structs)
                {
                    UpdateEncoder.WriteStruct(writer, s, 0);
                }
            }
        }
        ds.Write(writer);
        return writer.ToArray();
    }

    /// <summary>V1 struct runs grouped as yjs's lazy struct writer groups them (a run per change of client).</summary>
    private static void WriteLazy(Lib0Writer writer, List<StructRun> runs)
    {
        var grouped = new List<(long Client, List<StructBase> Structs)>();
        foreach (var run in runs)
        {
            if (run.Structs.Count == 0)
            {
                continue;
            }
            if (grouped.Count > 0 && grouped[^1].Client == run.Client)
            {
                grouped[^1].Structs.AddRange(run.Structs);
            }
            else
            {
                grouped.Add((run.Client, [.. run.Structs]));
            }
        }
        writer.WriteVarUint(grouped.Count);
        foreach (var (client, structs) in grouped)
        {
            writer.WriteVarUint(structs.Count);
            writer.WriteVarUint(client);
            writer.WriteVarUint(structs[0].Clock);
            foreach (var s in structs)
            {
                UpdateEncoder.WriteStruct(writer, s, 0);
            }
        }
    }

    /// <summary>V1 → V2, exactly as yjs's <c>convertUpdateFormatV1ToV2</c>.</summary>
    public static byte[] FromV1(ReadOnlySpan<byte> update)
    {
        var reader = new Lib0Reader(update);
        var runs = UpdateDecoder.ReadRuns(ref reader);
        var ds = DeleteSet.Read(ref reader);
        using var encoder = new UpdateEncoderV2();
        foreach (var run in runs)
        {
            foreach (var s in run.Structs)
            {
                encoder.WriteStruct(s, 0);
            }
        }
        return encoder.Finish(ds);
    }
}
