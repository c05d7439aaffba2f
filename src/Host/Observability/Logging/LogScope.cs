using System.Collections;
using System.Diagnostics;

namespace CrdtCollab.Host.Observability.Logging;

/// <summary>
/// The properties every log line of the update path carries, as one <c>BeginScope</c> state
/// (Serilog turns each pair into a property): <c>ConnectionId</c>, <c>UserId</c>, <c>DocumentId</c>,
/// <c>CorrelationId</c> (one per connection: the trace id when tracing is on, so logs and traces
/// join) and <c>Transport</c>. Null values are left out. One small object per scope, no boxing.
/// </summary>
internal sealed class LogScope(string? connectionId, string? userId, string? documentId, string? correlationId, string? transport)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly string[] Names = ["ConnectionId", "UserId", "DocumentId", "CorrelationId", "Transport"];

    private readonly string?[] _values = [connectionId, userId, documentId, correlationId, transport];

    public int Count => _values.Count(v => v is not null);

    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            int seen = -1;
            for (int i = 0; i < _values.Length; i++)
            {
                if (_values[i] is not null && ++seen == index)
                {
                    return new KeyValuePair<string, object?>(Names[i], _values[i]);
                }
            }
            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    /// <summary>A new correlation id: the current trace's id when there is one, else a fresh time-ordered id.</summary>
    public static string NewCorrelationId() =>
        Activity.Current is { } a && a.TraceId != default ? a.TraceId.ToHexString() : Guid.CreateVersion7().ToString("N");

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (_values[i] is { } v)
            {
                yield return new KeyValuePair<string, object?>(Names[i], v);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a scope shows in text formats.</summary>
    public override string ToString() => string.Join(", ", this.Select(p => $"{p.Key}={p.Value}"));
}
