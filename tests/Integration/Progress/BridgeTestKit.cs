using CrdtCollab.EventStore;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Bridge;
using Marten;
using Npgsql;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>An update log, a progress store with a small imported project, and daemons running the bridge.</summary>
internal sealed class BridgeTestKit : IAsyncDisposable
{
    public static readonly ProjectionDaemonOptions Fast = new()
    {
        BatchSize = 20,
        PollInterval = TimeSpan.FromMilliseconds(100),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(50),
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    private readonly List<ProjectionDaemon> _daemons = [];

    private BridgeTestKit(PostgresEventStore log, DocumentStore store, NpgsqlDataSource dataSource)
    {
        Log = log;
        Store = store;
        DataSource = dataSource;
        Editor = new DrawingEditor(log);
    }

    public PostgresEventStore Log { get; }

    public DocumentStore Store { get; }

    public NpgsqlDataSource DataSource { get; }

    public DrawingEditor Editor { get; }

    public const string ProjectId = "plant";

    public static async Task<BridgeTestKit> CreateAsync(NpgsqlDataSource dataSource, string prefix, int drawings = 3, int componentsPerDrawing = 4)
    {
        var log = await TestSchema.NewStoreAsync(dataSource, prefix);
        var store = await ProgressTestKit.NewStoreAsync(dataSource, prefix + "_m");
        var commands = new ProgressCommands(store);
        await commands.CreateProjectAsync(ProjectId, "Plant", "lead");
        var (ds, cs) = ProgressTestKit.SmallProject(drawings, componentsPerDrawing);
        await commands.ImportAsync(ProjectId, ds, cs);
        return new BridgeTestKit(log, store, dataSource);
    }

    public ProjectionDaemon StartDaemon(IAsyncProjection projection, ProjectionDaemonOptions? options = null)
    {
        var daemon = new ProjectionDaemon(Log, projection, options ?? Fast);
        _daemons.Add(daemon);
        daemon.Start();
        return daemon;
    }

    public MilestoneBridge NewBridge() => new(Store, Log);

    public async Task CaughtUpAsync(ProjectionDaemon daemon) =>
        await TestSchema.WaitUntilAsync(async () => await daemon.GetLagAsync() == 0, $"{daemon.Name} caught up");

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            await daemon.DisposeAsync();
        }
        await Store.DisposeAsync();
    }
}
