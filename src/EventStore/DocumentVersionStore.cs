using CrdtCollab.Crdt;
using CrdtCollab.EventStore.Internal;
using Npgsql;

namespace CrdtCollab.EventStore;

/// <summary>
/// Document versions: named by users or recorded automatically (see <see cref="AutoVersionProjection"/>),
/// each viewable as JSON or as one update, and restorable by appending a new update. History is
/// never rewritten.
/// </summary>
public sealed class DocumentVersionStore
{
    /// <summary>Event type of the update a restore appends.</summary>
    public const string RestoreEventType = "restore";

    private readonly PostgresEventStore _store;
    private readonly DocumentVersionsOptions _options;
    private readonly string _schema;

    /// <summary>Creates the version store over an event store.</summary>
    /// <param name="store">The event store (migrated).</param>
    /// <param name="options">Version settings; defaults when null.</param>
    public DocumentVersionStore(PostgresEventStore store, DocumentVersionsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new DocumentVersionsOptions();
        _schema = store.Schema;
    }

    /// <summary>
    /// Test seam: runs in each restore attempt between loading the current state and appending the
    /// update computed from it, the window in which a concurrent append makes that update stale.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforeRestoreAppend { get; set; }

    /// <summary>Names the document's current version (or <paramref name="atVersion"/>).</summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="name">The name users see.</param>
    /// <param name="createdBy">The user naming it.</param>
    /// <param name="atVersion">A past version to name instead of the current one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The name is empty or too long, or the version does not exist.</exception>
    public async Task<DocumentVersion> CreateNamedVersionAsync(
        Guid streamId, string name, string? createdBy, long? atVersion = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > EventStoreOptions.MaxIdentifierLength)
        {
            throw new ArgumentException($"A version name must have 1-{EventStoreOptions.MaxIdentifierLength} characters.", nameof(name));
        }
        if (createdBy is not null && createdBy.Length > EventStoreOptions.MaxIdentifierLength)
        {
            throw new ArgumentException($"User id is longer than {EventStoreOptions.MaxIdentifierLength} characters.", nameof(createdBy));
        }
        var now = _store.Options.TimeProvider.GetUtcNow();
        // The version must exist: 1..current. Checked and inserted in one statement.
        await using var command = _store.DataSource.CreateCommand(
            $"""
            INSERT INTO {_schema}.document_versions (stream_id, stream_version, kind, name, created_by, created_at)
            SELECT s.id, coalesce($2, s.version), 'named', $3, $4, $5
              FROM {_schema}.streams s
             WHERE s.id = $1 AND coalesce($2, s.version) BETWEEN 1 AND s.version
            RETURNING id, stream_version
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)atVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)createdBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new ArgumentException($"Stream {streamId} has no version {atVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(empty stream)"}.", nameof(atVersion));
        }
        return new DocumentVersion
        {
            Id = reader.GetInt64(0),
            StreamId = streamId,
            StreamVersion = reader.GetInt64(1),
            Kind = DocumentVersionKind.Named,
            Name = name,
            CreatedBy = createdBy,
            CreatedAt = now,
        };
    }

    /// <summary>The document's versions, oldest first.</summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<DocumentVersion>> ListVersionsAsync(Guid streamId, CancellationToken cancellationToken = default)
    {
        await using var command = _store.DataSource.CreateCommand(
            $"SELECT id, stream_version, kind, name, created_by, created_at FROM {_schema}.document_versions WHERE stream_id = $1 ORDER BY stream_version, id");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        var list = new List<DocumentVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DocumentVersion
            {
                Id = reader.GetInt64(0),
                StreamId = streamId,
                StreamVersion = reader.GetInt64(1),
                Kind = reader.GetString(2) switch
                {
                    "named" => DocumentVersionKind.Named,
                    "idle" => DocumentVersionKind.Idle,
                    _ => DocumentVersionKind.Count,
                },
                Name = reader.IsDBNull(3) ? null : reader.GetString(3),
                CreatedBy = reader.IsDBNull(4) ? null : reader.GetString(4),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
            });
        }
        return list;
    }

    /// <summary>The document's content at <paramref name="streamVersion"/> as one update.</summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="streamVersion">The version (1..current).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<byte[]> GetUpdateAtAsync(Guid streamId, long streamVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streamVersion);
        var state = await _store.LoadDocumentAsync(streamId, streamVersion, cancellationToken);
        if (state.Version != streamVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(streamVersion), streamVersion, $"Stream {streamId} has no version {streamVersion}.");
        }
        var updates = state.Updates();
        return updates.Count == 1 ? updates[0] : _options.Merger.Merge(updates);
    }

    /// <summary>The document's content at <paramref name="streamVersion"/> as JSON of the declared roots.</summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="streamVersion">The version (1..current).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<string> GetJsonAtAsync(Guid streamId, long streamVersion, CancellationToken cancellationToken = default)
    {
        var doc = DocumentRestorer.Load(await GetUpdateAtAsync(streamId, streamVersion, cancellationToken), _options.Roots);
        return doc.ToJson();
    }

    /// <summary>
    /// Restores the document to its content at <paramref name="streamVersion"/> by appending one new
    /// update (event type <see cref="RestoreEventType"/>) that turns the current content into that
    /// content. Collaborators receive it like any other update; history is not rewritten.
    /// </summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="streamVersion">The version to go back to.</param>
    /// <param name="userId">The user restoring.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The append's result, and the update to broadcast to connected clients.</returns>
    /// <exception cref="ConcurrencyException">Appends kept racing the restore for every attempt.</exception>
    public async Task<(AppendResult Result, byte[] Update)> RestoreAsync(
        Guid streamId, long streamVersion, string? userId, CancellationToken cancellationToken = default)
    {
        var target = DocumentRestorer.Load(await GetUpdateAtAsync(streamId, streamVersion, cancellationToken), _options.Roots);
        for (var attempt = 1; ; attempt++)
        {
            // The restore update is computed against the current state, so it is appended with an
            // exact expected version: if anyone appended in between, recompute against the new state.
            var current = await _store.LoadDocumentAsync(streamId, null, cancellationToken);
            var doc = DocumentRestorer.Load(current.Updates(), _options.Roots);
            var update = DocumentRestorer.MakeEqual(doc, target, _options.Roots);
            if (BeforeRestoreAppend is { } hook)
            {
                await hook(attempt, cancellationToken);
            }
            try
            {
                var result = await _store.AppendAsync(
                    new AppendRequest(streamId, ExpectedVersion.Exactly(current.Version), [new EventData(RestoreEventType, update) { UserId = userId, ClientId = doc.ClientId }]),
                    cancellationToken);
                return (result, update);
            }
            catch (ConcurrencyException) when (attempt < _options.RestoreAttempts)
            {
            }
        }
    }
}
