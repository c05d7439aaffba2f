using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Sample;
using Npgsql;

namespace CrdtCollab.Host.Progress;

/// <summary>Runs the <see cref="SampleProjectLoader"/> against the server's update log with a clock of its own (see its remarks on timestamps).</summary>
internal static class SampleLoader
{
    public static Task<int> LoadAsync(SampleProjectSpec spec, string? user, ProgressCommands commands, PostgresEventStore log, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var clock = new SampleClock();
        var pastLog = new PostgresEventStore(dataSource, log.Options with { TimeProvider = clock });
        return new SampleProjectLoader(commands, pastLog, clock, DocumentStreamId.For).LoadAsync(spec, user, ct);
    }
}
