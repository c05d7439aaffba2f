using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace CrdtCollab.Client.Protocol;

/// <summary>
/// Reads the hub's results from MessagePack whichever way the server wrote them: a map keyed by
/// the contract's camel-case names or by the C# property names (MessagePack's contractless
/// default), or an array in the contract's field order. Without it a key spelled differently
/// would be skipped silently and the field left empty: a join that seems to receive nothing.
/// </summary>
internal sealed class HubResultResolver : IFormatterResolver
{
    public static readonly HubResultResolver Instance = new();

    private HubResultResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        typeof(T) == typeof(JoinResult) ? (IMessagePackFormatter<T>)(object)new ResultFormatter<JoinResult>(["update", "stateVector", "awareness", "role"], SetJoin)
        : typeof(T) == typeof(SyncResult) ? (IMessagePackFormatter<T>)(object)new ResultFormatter<SyncResult>(["update", "stateVector"], SetSync)
        : typeof(T) == typeof(UpdateAck) ? (IMessagePackFormatter<T>)(object)new ResultFormatter<UpdateAck>(["stored", "version"], SetAck)
        : null;

    private static void SetJoin(JoinResult result, int field, ref MessagePackReader reader)
    {
        switch (field)
        {
            case 0: result.Update = ReadBytes(ref reader); break;
            case 1: result.StateVector = ReadBytes(ref reader); break;
            case 2: result.Awareness = ReadBytes(ref reader); break;
            default: result.Role = reader.TryReadNil() ? null : reader.ReadString(); break;
        }
    }

    private static void SetSync(SyncResult result, int field, ref MessagePackReader reader)
    {
        if (field == 0)
        {
            result.Update = ReadBytes(ref reader);
        }
        else
        {
            result.StateVector = ReadBytes(ref reader);
        }
    }

    private static void SetAck(UpdateAck result, int field, ref MessagePackReader reader)
    {
        if (field == 0)
        {
            result.Stored = reader.ReadBoolean();
        }
        else
        {
            result.Version = reader.ReadInt64();
        }
    }

    private static byte[] ReadBytes(ref MessagePackReader reader) =>
        reader.ReadBytes() is { } bytes ? bytes.ToArray() : [];

    private delegate void Setter<in T>(T result, int field, ref MessagePackReader reader);

    private sealed class ResultFormatter<T>(string[] fields, Setter<T> set) : IMessagePackFormatter<T?>
        where T : class, new()
    {
        public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            if (reader.TryReadNil())
            {
                return null;
            }
            var result = new T();
            if (reader.NextMessagePackType == MessagePackType.Array)
            {
                int count = reader.ReadArrayHeader();
                for (int i = 0; i < count; i++)
                {
                    if (i < fields.Length)
                    {
                        set(result, i, ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                return result;
            }
            int entries = reader.ReadMapHeader();
            for (int i = 0; i < entries; i++)
            {
                string? key = reader.ReadString();
                int field = Array.FindIndex(fields, f => string.Equals(f, key, StringComparison.OrdinalIgnoreCase));
                if (field >= 0)
                {
                    set(result, field, ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            return result;
        }

        // The client only receives these types; it never sends them.
        public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options) =>
            throw new NotSupportedException($"{typeof(T).Name} is only read from the server.");
    }
}
