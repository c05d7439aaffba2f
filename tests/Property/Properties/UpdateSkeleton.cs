using System.Globalization;
using System.Text;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// An independent, test-side reading of a V1 update (spec §4.1) into one line per struct plus
/// the delete set. It lets a property say precisely which difference between two updates is
/// allowed: with gc off, the kept content of a deleted string can legitimately differ between
/// replicas in one way only — halves of a surrogate pair that one replica split (each half
/// becomes U+FFFD, §3.7) while the other deleted the pair whole. Real yjs 13.6.33 gives exactly
/// these bytes (see KnownYjsBehaviourTests).
/// </summary>
internal sealed class UpdateSkeleton
{
    private UpdateSkeleton(List<(long Client, long Clock, long Length, string Line)> structs, SortedDictionary<long, List<(long Clock, long Len)>> ds)
    {
        Structs = structs;
        DeleteSet = ds;
    }

    public List<(long Client, long Clock, long Length, string Line)> Structs { get; }

    public SortedDictionary<long, List<(long Clock, long Len)>> DeleteSet { get; }

    public string DeleteSetText => string.Join("; ", DeleteSet.Reverse().Select(kv => $"{kv.Key}: " + string.Join(" ", kv.Value.Select(r => $"[{r.Clock},+{r.Len})"))));

    /// <summary>
    /// The struct lines with the two differences yjs itself leaves between converged replicas
    /// smoothed out: surrogate halves in deleted strings (above), and how a run of GC structs is
    /// cut. A replica that deleted a nested type's child in one transaction and GC-ed the child's
    /// item in a later one (when the parent type went) keeps two adjacent GC structs, because the
    /// later merge pass only looks at the ranges that transaction deleted; a replica that saw
    /// both deletions at once has one GC. The same clocks are GC on both.
    /// </summary>
    public string Normalised()
    {
        var sb = new StringBuilder();
        var structs = new List<(long Client, long Clock, long Length, string Line)>();
        foreach (var s in Structs)
        {
            if (s.Line == "GC" && structs.Count > 0 && structs[^1] is { Line: "GC" } prev && prev.Client == s.Client && prev.Clock + prev.Length == s.Clock)
            {
                structs[^1] = prev with { Length = prev.Length + s.Length };
            }
            else
            {
                structs.Add(s);
            }
        }
        foreach (var s in structs)
        {
            bool deleted = DeleteSet.TryGetValue(s.Client, out var ranges) && ranges.Any(r => r.Clock <= s.Clock && s.Clock < r.Clock + r.Len);
            string line = deleted ? new string(s.Line.Select(c => char.IsSurrogate(c) ? '\ufffd' : c).ToArray()) : s.Line;
            sb.Append(CultureInfo.InvariantCulture, $"({s.Client},{s.Clock})+{s.Length} {(deleted ? "deleted " : "")}{line}\n");
        }
        return sb.Append("ds ").Append(DeleteSetText).ToString();
    }

    public static UpdateSkeleton Read(byte[] update)
    {
        var r = new Reader(update);
        var structs = new List<(long, long, long, string)>();
        long runs = r.VarUint();
        for (long i = 0; i < runs; i++)
        {
            long n = r.VarUint();
            long client = r.VarUint();
            long clock = r.VarUint();
            for (long j = 0; j < n; j++)
            {
                var (len, line) = ReadStruct(ref r);
                structs.Add((client, clock, len, line));
                clock += len;
            }
        }
        var ds = new SortedDictionary<long, List<(long, long)>>();
        long clients = r.VarUint();
        for (long i = 0; i < clients; i++)
        {
            long client = r.VarUint();
            long ranges = r.VarUint();
            var list = ds.TryGetValue(client, out var l) ? l : ds[client] = [];
            for (long j = 0; j < ranges; j++)
            {
                list.Add((r.VarUint(), r.VarUint()));
            }
        }
        return new UpdateSkeleton(structs, ds);
    }

    private static (long Length, string Line) ReadStruct(ref Reader r)
    {
        byte info = r.Byte();
        switch (info & 0x1f)
        {
            case 0:
                return (r.VarUint(), "GC");
            case 10:
                return (r.VarUint(), "Skip");
        }
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"info={info:x2}");
        if ((info & 0x80) != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" origin=({r.VarUint()},{r.VarUint()})");
        }
        if ((info & 0x40) != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" right=({r.VarUint()},{r.VarUint()})");
        }
        if ((info & 0xc0) == 0)
        {
            sb.Append(r.VarUint() == 1 ? $" root={Show.Str(r.String())}" : $" parent=({r.VarUint()},{r.VarUint()})");
            if ((info & 0x20) != 0)
            {
                sb.Append(" key=").Append(Show.Str(r.String()));
            }
        }
        long length = 1;
        switch (info & 0x1f)
        {
            case 1:
                length = r.VarUint();
                sb.Append(CultureInfo.InvariantCulture, $" deleted({length})");
                break;
            case 2:
                length = r.VarUint();
                sb.Append(" json");
                for (long i = 0; i < length; i++)
                {
                    sb.Append(' ').Append(r.String());
                }
                break;
            case 3:
                sb.Append(" binary ").Append(Convert.ToHexString(r.Bytes()));
                break;
            case 4:
            {
                // Raw UTF-16 units (not escaped) so that normalisation can see the surrogates.
                string s = r.String();
                length = s.Length;
                sb.Append(" string \"").Append(s).Append('"');
                break;
            }
            case 5:
                sb.Append(" embed ").Append(r.String());
                break;
            case 6:
                sb.Append(" format ").Append(r.String()).Append('=').Append(r.String());
                break;
            case 7:
            {
                long typeRef = r.VarUint();
                sb.Append(CultureInfo.InvariantCulture, $" type {typeRef}");
                if (typeRef is 3 or 5)
                {
                    sb.Append(' ').Append(r.String());
                }
                break;
            }
            case 8:
                length = r.VarUint();
                sb.Append(" any");
                for (long i = 0; i < length; i++)
                {
                    sb.Append(' ').Append(r.Any());
                }
                break;
            case 9:
                sb.Append(" doc ").Append(r.String()).Append(' ').Append(r.Any());
                break;
            default:
                throw new FormatException($"content ref {info & 0x1f}");
        }
        return (length, sb.ToString());
    }

    private ref struct Reader(byte[] data)
    {
        private readonly byte[] _data = data;
        private int _pos;

        public byte Byte() => _data[_pos++];

        public long VarUint()
        {
            long value = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = Byte();
                value |= (long)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public byte[] Bytes()
        {
            int n = checked((int)VarUint());
            var b = _data.AsSpan(_pos, n).ToArray();
            _pos += n;
            return b;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public string Any()
        {
            byte tag = Byte();
            switch (tag)
            {
                case 0x7f: return "undefined";
                case 0x7e: return "null";
                case 0x7d:
                {
                    byte first = Byte();
                    long v = first & 0x3f;
                    int shift = 6;
                    for (byte b = first; b >= 0x80; shift += 7)
                    {
                        b = Byte();
                        v |= (long)(b & 0x7f) << shift;
                    }
                    return ((first & 0x40) != 0 ? "-" : "") + v.ToString(CultureInfo.InvariantCulture);
                }
                case 0x7c: _pos += 4; return "f32:" + Convert.ToHexString(_data, _pos - 4, 4);
                case 0x7b: _pos += 8; return "f64:" + Convert.ToHexString(_data, _pos - 8, 8);
                case 0x7a: _pos += 8; return "big:" + Convert.ToHexString(_data, _pos - 8, 8);
                case 0x79: return "false";
                case 0x78: return "true";
                case 0x77: return Show.Str(String());
                case 0x76:
                {
                    long n = VarUint();
                    var parts = new List<string>();
                    for (long i = 0; i < n; i++)
                    {
                        parts.Add(Show.Str(String()) + ":" + Any());
                    }
                    return "{" + string.Join(",", parts) + "}";
                }
                case 0x75:
                {
                    long n = VarUint();
                    var parts = new List<string>();
                    for (long i = 0; i < n; i++)
                    {
                        parts.Add(Any());
                    }
                    return "[" + string.Join(",", parts) + "]";
                }
                case 0x74: return "bytes:" + Convert.ToHexString(Bytes());
                default: throw new FormatException($"any tag {tag:x2}");
            }
        }
    }
}
