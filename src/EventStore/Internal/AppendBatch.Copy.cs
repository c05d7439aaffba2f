using Npgsql;
using NpgsqlTypes;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// The large-batch path: <c>reserve_append</c> does the checks and takes the positions, then the
/// rows go in by binary COPY in the same transaction. COPY fills a heap page per WAL record where
/// an INSERT from unnested arrays writes one record per row, and the rows travel in their binary
/// form instead of as eleven arrays the server must unpack.
/// </summary>
internal sealed partial class AppendBatch
{
    /// <summary>Where <c>reserve_append</c> put the batch: the first position and each request's starting version.</summary>
    internal readonly record struct Reservation(long FirstPosition, long[] Starts);

    /// <summary>
    /// Locks the streams, checks the expected versions and takes the positions. Null when some
    /// update id is already stored: the batch is (partly) a retry and goes through
    /// <c>append_events</c>, which accounts for retries, in the same transaction.
    /// </summary>
    public async Task<Reservation?> ReserveAsync(string schema, NpgsqlConnection connection, NpgsqlTransaction transaction,
        DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        // Fold the requests per stream (see reserve_append): each stream once, with its event count;
        // a version check only for requests that expect one.
        var streamIndex = new Dictionary<Guid, int>();
        var requestStream = new int[_requests.Count];
        var streams = new List<Guid>();
        var counts = new List<long>();
        var tenants = new List<string?>();
        var projects = new List<string?>();
        var checkStream = new List<int>();
        var checkOffset = new List<long>();
        var checkExpected = new List<long>();
        for (var r = 0; r < _requests.Count; r++)
        {
            if (!streamIndex.TryGetValue(_stream[r], out var si))
            {
                si = streams.Count;
                streamIndex.Add(_stream[r], si);
                streams.Add(_stream[r]);
                counts.Add(0);
                tenants.Add(null);
                projects.Add(null);
            }
            requestStream[r] = si;
            if (_expected[r] != ExpectedVersion.Any.Value)
            {
                checkStream.Add(si + 1);
                checkOffset.Add(_offset[r]);
                checkExpected.Add(_expected[r]);
            }
            counts[si] += _count[r];
            tenants[si] ??= _tenant[r];
            projects[si] ??= _project[r];
        }

        await using var command = new NpgsqlCommand(
            $"SELECT first_position, heads FROM {schema}.reserve_append($1, $2, $3, $4, $5, $6, $7, $8, $9)", connection, transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = streams.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = counts.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = tenants.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = projects.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = checkStream.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = checkOffset.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = checkExpected.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = _update, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var heads = reader.GetFieldValue<long[]>(1);
        if (heads.Length != streams.Count)
        {
            throw new InvalidOperationException($"reserve_append returned {heads.Length} heads for {streams.Count} streams.");
        }
        // A request starts at its stream's head plus the events of earlier requests to that stream
        // (the chain offset Fill already computed).
        var starts = new long[_requests.Count];
        for (var r = 0; r < _requests.Count; r++)
        {
            starts[r] = heads[requestStream[r]] + _offset[r];
        }
        return new Reservation(reader.GetInt64(0), starts);
    }

    /// <summary>Streams the batch's rows with the positions and versions of <paramref name="reservation"/>.</summary>
    public async Task CopyRowsAsync(string schema, NpgsqlConnection connection, Reservation reservation,
        DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        // Optional columns go in only when some event has them: a sync server's updates usually
        // carry an update id and nothing else, and every skipped column is a write per row on both
        // sides. tx_id is left to its default, pg_current_xact_id(): the xid reserve_append fixed
        // under the ordering lock.
        var withUser = Array.Exists(_user, static v => v is not null);
        var withClient = Array.Exists(_client, static v => v is not null);
        var withCorrelation = Array.Exists(_correlation, static v => v is not null);
        var withCausation = Array.Exists(_causation, static v => v is not null);
        var withUpdate = Array.Exists(_update, static v => v is not null);
        var columns = "global_position, stream_id, stream_version, event_type, payload, created_at"
            + (withUser ? ", user_id" : "") + (withClient ? ", client_id" : "")
            + (withCorrelation ? ", correlation_id" : "") + (withCausation ? ", causation_id" : "")
            + (withUpdate ? ", update_id" : "");
        var fields = (short)(6 + (withUser ? 1 : 0) + (withClient ? 1 : 0) + (withCorrelation ? 1 : 0) + (withCausation ? 1 : 0) + (withUpdate ? 1 : 0));
        await using var stream = await connection.BeginRawBinaryCopyAsync(
            $"COPY {schema}.events ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        try
        {
            var rows = new BinaryCopyWriter(stream);
            for (var i = 0; i < EventCount; i++)
            {
                rows.StartRow(fields);
                rows.WriteInt64(reservation.FirstPosition + i);
                rows.WriteUuid(_eventStream[i]);
                rows.WriteInt64(reservation.Starts[_eventRequest[i] - 1] + _eventIndex[i]);
                rows.WriteText(_type[i]);
                rows.WriteBytes(_payload[i]);
                rows.WriteTimestampTz(timestamp);
                if (withUser)
                {
                    rows.WriteTextOrNull(_user[i]);
                }
                if (withClient)
                {
                    rows.WriteInt64OrNull(_client[i]);
                }
                if (withCorrelation)
                {
                    rows.WriteUuidOrNull(_correlation[i]);
                }
                if (withCausation)
                {
                    rows.WriteUuidOrNull(_causation[i]);
                }
                if (withUpdate)
                {
                    rows.WriteUuidOrNull(_update[i]);
                }
                await rows.FlushIfFullAsync(cancellationToken);
            }
            await rows.CompleteAsync(cancellationToken);
        }
        catch
        {
            // Abandon the COPY so the server discards it (the transaction then rolls back unused).
            await stream.CancelAsync();
            throw;
        }
    }

    /// <summary>The versions and positions a reservation gives every event (none of them a retry).</summary>
    public Outcome OutcomeOf(Reservation reservation)
    {
        var versions = new long[EventCount];
        var positions = new long[EventCount];
        for (var i = 0; i < EventCount; i++)
        {
            versions[i] = reservation.Starts[_eventRequest[i] - 1] + _eventIndex[i];
            positions[i] = reservation.FirstPosition + i;
        }
        return new Outcome(versions, positions, new bool[EventCount]);
    }
}
