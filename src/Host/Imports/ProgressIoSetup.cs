using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Import;
using CrdtCollab.Progress.Queries;
using CrdtCollab.Progress.Reports;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrdtCollab.Host.Imports;

/// <summary>
/// The import and report side of construction progress: the upload queue and its worker, the
/// weekly report builder, and their endpoints. The Marten store, commands and queries they use
/// are registered with the rest of the progress domain.
/// </summary>
internal static class ProgressIoSetup
{
    public static void Add(WebApplicationBuilder builder, SyncServerOptions options)
    {
        var services = builder.Services;
        // The progress domain's own set-up registers these first; TryAdd keeps imports and
        // reports runnable where it has not (its Marten schema sits beside the sync schema).
        services.TryAddSingleton<IDocumentStore>(sp => ProgressStore.Create(sp.GetRequiredService<NpgsqlDataSource>(),
            new ProgressOptions { Schema = options.Schema + "_progress", StreamIdOf = DocumentStreamId.For, TimeProvider = sp.GetRequiredService<TimeProvider>() }));
        services.TryAddSingleton(sp => new ProgressCommands(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ProgressQueries(sp.GetRequiredService<IDocumentStore>()));
        services.AddOptions<ImportLimits>().Bind(builder.Configuration.GetSection(ImportLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ImportQueue(sp.GetRequiredService<IOptions<ImportLimits>>().Value, sp.GetRequiredService<TimeProvider>(),
            Path.Combine(Path.GetTempPath(), "crdtcollab-imports", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        services.AddSingleton(sp => new ImportRunner(sp.GetRequiredService<ProgressCommands>(), sp.GetRequiredService<ProgressQueries>(),
            sp.GetRequiredService<IOptions<ImportLimits>>().Value, sp.GetRequiredService<ILogger<ImportRunner>>()));
        services.AddSingleton(sp => new WeeklyReportBuilder(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ImportWorker>();
    }

    /// <summary>Creates the Marten tables (idempotent; the domain's set-up may have done it).</summary>
    public static Task MigrateAsync(WebApplication app) => ProgressStore.MigrateAsync(app.Services.GetRequiredService<IDocumentStore>());

    public static void Map(WebApplication app)
    {
        Endpoints.Rest.ImportsApi.Map(app);
        Endpoints.Rest.ReportsApi.Map(app);
    }
}
