using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Integration.Tests.Support;
using Npgsql;
using Xunit;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// deploy/scripts/backup.sh and restore.sh against the test PostgreSQL: documents written through
/// the event store, dumped, then deleted and corrupted, then restored; every document's text and
/// the log's row counts are back. A restore without --yes or from a damaged dump changes nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RestoreScriptTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _schema = TestSchema.NewName("restore");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crdtcollab-backup-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<Guid, string> _texts = [];
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = new PostgresEventStore(postgres.DataSource, new EventStoreOptions { Schema = _schema });
        await _store.MigrateAsync();
        for (int d = 0; d < 5; d++)
        {
            var id = Guid.NewGuid();
            var doc = new YDoc();
            for (int part = 0; part < 4; part++)
            {
                var before = doc.EncodeStateVector();
                doc.GetText("content").Insert(doc.GetText("content").Length, $"document {d} part {part}. ");
                await _store.AppendAsync(new AppendRequest(id, ExpectedVersion.Any, [new EventData("update", doc.EncodeStateAsUpdate(before))]));
            }
            _texts[id] = doc.GetText("content").ToString();
        }
        // One document also has a snapshot, so the snapshots table is part of the round trip.
        await _store.CompactAsync(_texts.Keys.First(), YUpdateSnapshotMerger.Instance);
    }

    public async Task DisposeAsync()
    {
        await using var drop = postgres.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_dump_restored_over_damaged_data_brings_every_document_back()
    {
        var dump = Path.Combine(_dir, "crdt.dump");
        var backup = await ScriptAsync("backup.sh", dump);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var eventsBefore = await CountAsync("events");

        var ids = _texts.Keys.ToArray();
        await ExecuteAsync($"DELETE FROM {_schema}.events WHERE stream_id = '{ids[0]}'");
        await ExecuteAsync($"UPDATE {_schema}.events SET payload = '\\x00ff'::bytea WHERE stream_id = '{ids[1]}'");
        await ExecuteAsync($"DELETE FROM {_schema}.snapshots");
        await ExecuteAsync($"DROP TABLE {_schema}.document_versions");
        Assert.NotEqual(_texts[ids[1]], await TextAsync(ids[1], tolerateGarbage: true));

        var restore = await ScriptAsync("restore.sh", dump, "--yes");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"{eventsBefore} events in 5 streams", restore.Output, StringComparison.Ordinal);

        Assert.Equal(eventsBefore, await CountAsync("events"));
        Assert.Equal(1, await CountAsync("snapshots"));
        Assert.Equal(0, await CountAsync("document_versions"));
        foreach (var (id, text) in _texts)
        {
            Assert.Equal(text, await TextAsync(id));
        }
        // The restored store still takes appends (sequence and functions came back too).
        var more = await _store.AppendAsync(new AppendRequest(ids[0], ExpectedVersion.Any, [new EventData("update", new YDoc().EncodeStateAsUpdate())]));
        Assert.Equal(5, more.LastStreamVersion);
    }

    [Fact]
    public async Task A_restore_without_confirmation_or_from_a_damaged_dump_changes_nothing()
    {
        var dump = Path.Combine(_dir, "crdt.dump");
        Assert.Equal(0, (await ScriptAsync("backup.sh", dump)).ExitCode);
        var ids = _texts.Keys.ToArray();
        await ExecuteAsync($"DELETE FROM {_schema}.events WHERE stream_id = '{ids[0]}'");
        var eventsAfterDelete = await CountAsync("events");

        var unconfirmed = await ScriptAsync("restore.sh", dump);
        Assert.Equal(2, unconfirmed.ExitCode);

        var damaged = Path.Combine(_dir, "damaged.dump");
        var bytes = await File.ReadAllBytesAsync(dump);
        await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length * 2 / 3)]);
        var failed = await ScriptAsync("restore.sh", damaged, "--yes");
        Assert.NotEqual(0, failed.ExitCode);

        Assert.Equal(eventsAfterDelete, await CountAsync("events"));
        Assert.Equal(_texts[ids[1]], await TextAsync(ids[1]));
    }

    private async Task<Tool.Result> ScriptAsync(string script, params string[] args)
    {
        var cs = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = cs.Host!,
            ["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = cs.Username!,
            ["PGDATABASE"] = cs.Database!,
            ["CRDTCOLLAB_SCHEMA"] = _schema,
            // The PostgreSQL 15 client tools, whatever else is on the machine.
            ["PATH"] = "/usr/lib/postgresql/15/bin:" + Environment.GetEnvironmentVariable("PATH"),
        };
        if (!string.IsNullOrEmpty(cs.Password))
        {
            env["PGPASSWORD"] = cs.Password;
        }
        return await Tool.RunAsync("bash", [RepoPaths.Of("deploy", "scripts", script), .. args], environment: env, timeout: TimeSpan.FromMinutes(1));
    }

    private async Task<string> TextAsync(Guid id, bool tolerateGarbage = false)
    {
        var state = await _store.LoadDocumentAsync(id);
        var doc = new YDoc();
        foreach (var update in state.Updates())
        {
            try
            {
                doc.ApplyUpdate(update);
            }
            catch (UpdateFormatException) when (tolerateGarbage)
            {
                // The corrupted rows are exactly what the restore must replace.
            }
        }
        return doc.GetText("content").ToString();
    }

    private Task<long> CountAsync(string table) => TestSchema.ScalarAsync(postgres.DataSource, $"SELECT count(*) FROM {_schema}.{table}");

    private async Task ExecuteAsync(string sql)
    {
        await using var command = postgres.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
