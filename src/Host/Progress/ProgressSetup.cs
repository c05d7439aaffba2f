using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Bridge;
using CrdtCollab.Progress.Queries;
using Marten;
using Npgsql;

namespace CrdtCollab.Host.Progress;

/// <summary>
/// Wires the construction-progress domain into the server: the Marten store (schema
/// <c>{Sync:Schema}_progress</c> on the server's PostgreSQL), the commands and queries, the
/// milestone bridge on a <see cref="ProjectionDaemon"/> run as a hosted service, and the OpenAPI document.
/// </summary>
internal static class ProgressSetup
{
    public static void Add(IServiceCollection services, SyncServerOptions options)
    {
        var progressOptions = new ProgressOptions { Schema = options.Schema + "_progress", StreamIdOf = DocumentStreamId.For };
        services.AddSingleton(progressOptions);
        services.AddSingleton(sp => ProgressStore.Create(sp.GetRequiredService<NpgsqlDataSource>(), progressOptions));
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<DocumentStore>());
        services.AddSingleton(sp => new ProgressCommands(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ProgressQueries(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton(sp => new MilestoneBridge(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<PostgresEventStore>(),
            logger: sp.GetRequiredService<ILogger<MilestoneBridge>>()));
        services.AddSingleton<ProgressReadiness>();
        services.AddSingleton<ProgressBridgeService>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressBridgeService>());
        services.AddSingleton<ProjectAccess>();
        services.AddOpenApi();
    }
}
