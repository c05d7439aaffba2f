using System.Text;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// Advisory-lock keys. They must be identical in every process and every .NET version, so they
/// come from FNV-1a rather than <see cref="string.GetHashCode()"/>, which is randomized per process.
/// </summary>
internal static class LockKeys
{
    /// <summary>Serializes migrations of one schema across servers starting at once.</summary>
    public static long Migration(string schema) => Hash64("crdtcollab.migrate." + schema);

    /// <summary>Serializes "assign transaction id, take global positions" across appenders.</summary>
    public static long Ordering(string schema) => Hash64("crdtcollab.ordering." + schema);

    /// <summary>One leader per projection per schema.</summary>
    public static long Projection(string schema, string projection) => Hash64("crdtcollab.projection." + schema + "." + projection);

    /// <summary>
    /// First half of the two-int key of per-stream locks. The two-int key space is separate from the
    /// bigint one in PostgreSQL, so stream locks never collide with the keys above.
    /// </summary>
    public static int StreamNamespace(string schema) => unchecked((int)Hash64("crdtcollab.streams." + schema));

    private static long Hash64(string text)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash = unchecked(hash * prime);
        }
        return unchecked((long)hash);
    }
}
