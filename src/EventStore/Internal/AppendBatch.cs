using Npgsql;
using NpgsqlTypes;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// A validated batch flattened into the column arrays that <c>append_events</c> unnests. Building
/// it checks every limit first, so a rejected batch never reaches the database.
/// </summary>
internal sealed partial class AppendBatch
{
    private readonly IReadOnlyList<AppendRequest> _requests;
    private readonly int[] _firstEvent;
    private readonly Guid[] _stream;
    private readonly long[] _expected;
    private readonly string?[] _tenant;
    private readonly string?[] _project;
    private readonly int[] _count;
    private readonly int[] _offset;
    private readonly int[] _eventRequest;
    private readonly int[] _eventIndex;
    private readonly Guid[] _eventStream;
    private readonly string[] _type;
    private readonly byte[][] _payload;
    private readonly Guid?[] _update;
    private readonly string?[] _user;
    private readonly long?[] _client;
    private readonly Guid?[] _correlation;
    private readonly Guid?[] _causation;

    private AppendBatch(IReadOnlyList<AppendRequest> requests, int eventCount)
    {
        _requests = requests;
        _firstEvent = new int[requests.Count + 1];
        _stream = new Guid[requests.Count];
        _expected = new long[requests.Count];
        _tenant = new string?[requests.Count];
        _project = new string?[requests.Count];
        _count = new int[requests.Count];
        _offset = new int[requests.Count];
        _eventRequest = new int[eventCount];
        _eventIndex = new int[eventCount];
        _eventStream = new Guid[eventCount];
        _type = new string[eventCount];
        _payload = new byte[eventCount][];
        _update = new Guid?[eventCount];
        _user = new string?[eventCount];
        _client = new long?[eventCount];
        _correlation = new Guid?[eventCount];
        _causation = new Guid?[eventCount];
    }

    public int EventCount => _eventRequest.Length;

    public static AppendBatch Create(IReadOnlyList<AppendRequest> requests, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var eventCount = 0L;
        var bytes = 0L;
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r] ?? throw new AppendRejectedException($"Request {r} is null.");
            if (request.Events is null || request.Events.Count == 0)
            {
                throw new AppendRejectedException($"Request {r} (stream {request.StreamId}) has no events.");
            }
            CheckIdentifier(request.TenantId, "tenant id", r);
            CheckIdentifier(request.ProjectId, "project id", r);
            foreach (var e in request.Events)
            {
                if (e is null)
                {
                    throw new AppendRejectedException($"Request {r} (stream {request.StreamId}) contains a null event.");
                }
                if (string.IsNullOrEmpty(e.EventType) || e.EventType.Length > EventStoreOptions.MaxEventTypeLength)
                {
                    throw new AppendRejectedException(
                        $"Request {r}: event type must have 1-{EventStoreOptions.MaxEventTypeLength} characters.");
                }
                if (e.Payload is null)
                {
                    throw new AppendRejectedException($"Request {r}: event payload is null.");
                }
                if (e.Payload.Length > options.MaxPayloadBytes)
                {
                    throw new AppendRejectedException(
                        $"Request {r}: payload of {e.Payload.Length} bytes exceeds the limit of {options.MaxPayloadBytes} bytes.");
                }
                CheckIdentifier(e.UserId, "user id", r);
                bytes += e.Payload.Length;
            }
            eventCount += request.Events.Count;
            if (eventCount > options.MaxBatchEvents)
            {
                throw new AppendRejectedException($"The batch has more than {options.MaxBatchEvents} events.");
            }
            if (bytes > options.MaxBatchBytes)
            {
                throw new AppendRejectedException($"The batch's payloads exceed {options.MaxBatchBytes} bytes.");
            }
        }

        var batch = new AppendBatch(requests, (int)eventCount);
        batch.Fill();
        return batch;
    }

    private static void CheckIdentifier(string? value, string what, int request)
    {
        if (value is not null && value.Length > EventStoreOptions.MaxIdentifierLength)
        {
            throw new AppendRejectedException($"Request {request}: {what} is longer than {EventStoreOptions.MaxIdentifierLength} characters.");
        }
    }

    private void Fill()
    {
        // The same update id twice for one stream in one batch would hit the unique index with an
        // opaque error; name the problem instead.
        HashSet<(Guid, Guid)>? seen = null;
        // Events of earlier requests to the same stream: where each request starts in its stream's chain.
        Dictionary<Guid, int>? chained = _requests.Count > 1 ? new(_requests.Count) : null;
        var i = 0;
        for (var r = 0; r < _requests.Count; r++)
        {
            var request = _requests[r];
            _firstEvent[r] = i;
            _stream[r] = request.StreamId;
            _expected[r] = request.ExpectedVersion.Value;
            _tenant[r] = request.TenantId;
            _project[r] = request.ProjectId;
            _count[r] = request.Events.Count;
            if (chained is not null)
            {
                chained.TryGetValue(request.StreamId, out var before);
                _offset[r] = before;
                chained[request.StreamId] = before + request.Events.Count;
            }
            var k = 0;
            foreach (var e in request.Events)
            {
                _eventRequest[i] = r + 1;
                _eventIndex[i] = ++k;
                _eventStream[i] = request.StreamId;
                _type[i] = e.EventType;
                _payload[i] = e.Payload;
                _update[i] = e.UpdateId;
                _user[i] = e.UserId;
                _client[i] = e.ClientId;
                _correlation[i] = e.CorrelationId;
                _causation[i] = e.CausationId;
                if (e.UpdateId is { } updateId && !(seen ??= []).Add((request.StreamId, updateId)))
                {
                    throw new AppendRejectedException($"Update id {updateId} appears twice for stream {request.StreamId} in one batch.");
                }
                i++;
            }
        }
        _firstEvent[_requests.Count] = i;
    }

    public NpgsqlCommand CreateCommand(string schema, NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTimeOffset timestamp)
    {
        var command = new NpgsqlCommand(
            $"SELECT req, k, version, global_position, duplicate FROM {schema}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            connection,
            transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = _stream, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = _expected, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = _count, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = _offset, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = _firstEvent.AsSpan(0, _requests.Count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = _tenant, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = _project, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = _eventRequest, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = _eventIndex, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = _eventStream, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = _type, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = _payload, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter { Value = _update, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = _user, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = _client, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = _correlation, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = _causation, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }

    /// <summary>
    /// Reads the function's rows into per-event arrays. A new request comes back as one row (its
    /// events got consecutive versions and positions); a retried one as one row per event.
    /// </summary>
    public async Task<Outcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var versions = new long[EventCount];
        var positions = new long[EventCount];
        var duplicate = new bool[EventCount];
        var filled = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var r = reader.GetInt32(0) - 1;
            var k = reader.GetInt32(1) - 1;
            var version = reader.GetInt64(2);
            var position = reader.GetInt64(3);
            if (reader.GetBoolean(4))
            {
                var i = _firstEvent[r] + k;
                versions[i] = version;
                positions[i] = position;
                duplicate[i] = true;
                filled++;
                continue;
            }
            for (var i = _firstEvent[r]; i < _firstEvent[r + 1]; i++)
            {
                versions[i] = version++;
                positions[i] = position++;
                filled++;
            }
        }
        if (filled != EventCount)
        {
            // Only possible if stored rows vanished under a retry; never return half an answer.
            throw new InvalidOperationException($"append_events accounted for {filled} of {EventCount} events.");
        }
        return new Outcome(versions, positions, duplicate);
    }

    public IReadOnlyList<AppendResult> Results(Outcome outcome)
    {
        var results = new AppendResult[_requests.Count];
        for (var r = 0; r < _requests.Count; r++)
        {
            var first = _firstEvent[r];
            var count = _firstEvent[r + 1] - first;
            results[r] = new AppendResult(
                _stream[r],
                outcome.Versions.AsSpan(first, count).ToArray(),
                outcome.Positions.AsSpan(first, count).ToArray(),
                outcome.Duplicate[first]);
        }
        return results;
    }

    /// <summary>The newly written events in global order, for inline projections.</summary>
    public IReadOnlyList<StoredEvent> NewEvents(Outcome outcome, DateTimeOffset timestamp)
    {
        var list = new List<StoredEvent>(EventCount);
        for (var i = 0; i < EventCount; i++)
        {
            if (outcome.Duplicate[i])
            {
                continue;
            }
            list.Add(new StoredEvent
            {
                GlobalPosition = outcome.Positions[i],
                StreamId = _stream[_eventRequest[i] - 1],
                StreamVersion = outcome.Versions[i],
                EventType = _type[i],
                Payload = _payload[i],
                Timestamp = timestamp,
                UserId = _user[i],
                ClientId = _client[i],
                CorrelationId = _correlation[i],
                CausationId = _causation[i],
                UpdateId = _update[i],
            });
        }
        list.Sort(static (a, b) => a.GlobalPosition.CompareTo(b.GlobalPosition));
        return list;
    }

    internal readonly record struct Outcome(long[] Versions, long[] Positions, bool[] Duplicate);
}
