using CrdtCollab.Progress;
using CrdtCollab.Progress.Import;
using CrdtCollab.Progress.Queries;
using CrdtCollab.Progress.Reports;
using Marten;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Imports;

/// <summary>
/// The import and report side of construction progress: the upload queue and its worker, the
/// weekly report builder, and their endpoints. The Marten store, commands and queries they use
/// are registered with the rest of the progress domain.
/// </summary>
internal static class ProgressIoSetup
{
    public static void Add(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ImportLimits>().Bind(builder.Configuration.GetSection(ImportLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ImportQueue(sp.GetRequiredService<IOptions<ImportLimits>>().Value, sp.GetRequiredService<TimeProvider>(),
            Path.Combine(Path.GetTempPath(), "crdtcollab-imports", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        services.AddSingleton(sp => new ImportRunner(sp.GetRequiredService<ProgressCommands>(), sp.GetRequiredService<ProgressQueries>(),
            sp.GetRequiredService<IOptions<ImportLimits>>().Value, sp.GetRequiredService<ILogger<ImportRunner>>(),
            new LiveDrawingSeeder(sp.GetRequiredService<LiveDocuments.LiveDocumentRegistry>(), sp.GetRequiredService<Intake.UpdateIntake>())));
        services.AddSingleton(sp => new WeeklyReportBuilder(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ImportWorker>();
    }

    public static void Map(WebApplication app)
    {
        // The progress board page (wwwroot/board.html) under a short address.
        app.MapGet("/board", () => Results.Redirect("/board.html")).AllowAnonymous().ExcludeFromDescription();
        Endpoints.Rest.ImportsApi.Map(app);
        Endpoints.Rest.ReportsApi.Map(app);
    }
}
