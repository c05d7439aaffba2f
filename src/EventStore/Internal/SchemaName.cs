using System.Text.RegularExpressions;

namespace CrdtCollab.EventStore.Internal;

/// <summary>Schema names are spliced into SQL, so only plain lower-case identifiers are accepted.</summary>
internal static partial class SchemaName
{
    public static string Validate(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!Pattern().IsMatch(schema))
        {
            throw new ArgumentException(
                $"Schema name '{schema}' is invalid: use 1-40 lower-case letters, digits or '_', starting with a letter or '_'.",
                nameof(schema));
        }
        return schema;
    }

    /// <summary>NOTIFY channel of a schema's appends.</summary>
    public static string Channel(string schema) => "crdt_events_" + schema;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
