using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Queries;
using Microsoft.Extensions.Logging;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// Runs one import in two streaming passes over the uploaded file.
/// <list type="number">
/// <item>Validate: every row is checked (fields, duplicates, known drawings and types). Any error
/// rejects the whole file and nothing is stored: the report lists every problem.</item>
/// <item>Apply: the file is read again and handed to <see cref="ProgressCommands.ImportAsync"/> in
/// chunks of <see cref="ImportLimits.ChunkRows"/> rows, each chunk one Marten transaction that appends only what
/// changed. A file imported before changes nothing; changed rows update.</item>
/// </list>
/// If applying stops midway (storage down, a concurrent import, shutdown) the job fails with what
/// was stored so far; uploading the same file again finishes it, because the chunks already
/// stored compare equal and append nothing.
/// </summary>
public sealed class ImportRunner
{
    private readonly ProgressCommands _commands;
    private readonly ProgressQueries _queries;
    private readonly ImportLimits _limits;
    private readonly ILogger _logger;
    private readonly IDrawingSeeder? _seeder;

    /// <summary>Creates the runner.</summary>
    /// <param name="commands">Appends the imported drawings and components.</param>
    /// <param name="queries">Reads the project.</param>
    /// <param name="limits">File and row limits.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="seeder">Creates the imported components' milestone maps in the drawing documents; none when null (the maps are then created by whoever ticks first).</param>
    public ImportRunner(ProgressCommands commands, ProgressQueries queries, ImportLimits limits, ILogger<ImportRunner> logger, IDrawingSeeder? seeder = null)
    {
        _commands = commands;
        _queries = queries;
        _limits = limits;
        _logger = logger;
        _seeder = seeder;
    }

    /// <summary>Runs <paramref name="job"/> to one of its final phases; never throws but for cancellation.</summary>
    public async Task RunAsync(ImportJob job, CancellationToken ct)
    {
        try
        {
            var validator = await ValidateAsync(job, ct).ConfigureAwait(false);
            if (validator is null)
            {
                job.Finish(ImportPhase.Rejected);
                ImportLog.Rejected(_logger, job.Id, job.ProjectId, job.Report.ErrorCount);
                return;
            }
            await ApplyAsync(job, validator, ct).ConfigureAwait(false);
            job.Finish(ImportPhase.Succeeded);
            var totals = job.Snapshot().Totals;
            ImportLog.Succeeded(_logger, job.Id, job.ProjectId, totals.DrawingsAdded + totals.DrawingsUpdated, totals.ComponentsAdded + totals.ComponentsUpdated);
        }
        catch (ImportFileException e)
        {
            job.Report.Add(e.Error);
            job.Finish(ImportPhase.Rejected);
            ImportLog.Rejected(_logger, job.Id, job.ProjectId, job.Report.ErrorCount);
        }
        catch (ProgressValidationException e)
        {
            // The first pass checks what ImportAsync checks, so this means the project changed
            // between the passes (a template or drawing removed by a concurrent command).
            job.Finish(ImportPhase.Failed, "the project changed while importing: " + e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            job.Finish(ImportPhase.Failed, "the server stopped during the import; upload the file again");
            throw;
        }
        catch (Exception e)
        {
            ImportLog.Failed(_logger, e, job.Id, job.ProjectId);
            job.Finish(ImportPhase.Failed, IsConcurrency(e)
                ? "another import of this project changed it at the same time; upload the file again"
                : "storing the import failed; upload the file again (rows already stored are not stored twice)");
        }
    }

    private async Task<ImportValidator?> ValidateAsync(ImportJob job, CancellationToken ct)
    {
        var project = await _queries.GetProjectAsync(job.ProjectId, ct).ConfigureAwait(false)
            ?? throw new ImportFileException(new RowError(0, "", $"project '{job.ProjectId}' does not exist"));
        await using var file = await CsvImportFile.OpenAsync(File.OpenRead(job.Path), _limits, ct).ConfigureAwait(false);
        job.Validating(file.Schema.Kind);
        var existing = file.Schema.Kind == ImportKind.Components && !file.DefinesDrawings
            ? await ExistingDrawingsAsync(job.ProjectId, ct).ConfigureAwait(false)
            : new HashSet<string>();
        var validator = new ImportValidator(file.Schema, file.DefinesDrawings, existing, project.Templates.Keys);
        long valid = 0;
        await foreach (var record in file.RecordsAsync(job.Report, new JobProgress(job), ct).ConfigureAwait(false))
        {
            if (validator.Check(record, job.Report))
            {
                valid++;
            }
        }
        if (job.Report.ErrorCount > 0)
        {
            return null;
        }
        if (valid == 0)
        {
            job.Report.Add(0, "", "the file has a header but no data rows");
            return null;
        }
        job.Applying(valid);
        return validator;
    }

    private async Task ApplyAsync(ImportJob job, ImportValidator validator, CancellationToken ct)
    {
        await using var file = await CsvImportFile.OpenAsync(File.OpenRead(job.Path), _limits, ct).ConfigureAwait(false);
        var discard = new ImportReport(1);
        if (file.Schema.Kind == ImportKind.Components && file.DefinesDrawings)
        {
            // Drawings first, so every component chunk finds its drawing.
            foreach (var chunk in validator.DefinedDrawings.Chunk(_limits.ChunkRows))
            {
                var result = await _commands.ImportAsync(job.ProjectId, chunk, [], ct).ConfigureAwait(false);
                job.Applied(0, result);
            }
        }
        var drawings = new List<DrawingSpec>();
        var components = new List<ComponentSpec>();
        await foreach (var record in file.RecordsAsync(discard, null, ct).ConfigureAwait(false))
        {
            if (file.Schema.Kind == ImportKind.Drawings)
            {
                drawings.Add(ImportValidator.DrawingOf(record));
            }
            else
            {
                components.Add(ImportValidator.ComponentOf(record));
            }
            if (drawings.Count + components.Count == _limits.ChunkRows)
            {
                await FlushAsync(job, drawings, components, ct).ConfigureAwait(false);
            }
        }
        await FlushAsync(job, drawings, components, ct).ConfigureAwait(false);
    }

    private async Task FlushAsync(ImportJob job, List<DrawingSpec> drawings, List<ComponentSpec> components, CancellationToken ct)
    {
        if (drawings.Count + components.Count == 0)
        {
            return;
        }
        var result = await _commands.ImportAsync(job.ProjectId, [.. drawings], [.. components], ct).ConfigureAwait(false);
        if (_seeder is not null && components.Count > 0)
        {
            // After the components exist in Marten, so the bridge knows them when the maps arrive.
            await _seeder.SeedAsync(job.ProjectId, [.. components], job.User, ct).ConfigureAwait(false);
        }
        job.Applied(drawings.Count + components.Count, result);
        drawings.Clear();
        components.Clear();
    }

    private async Task<HashSet<string>> ExistingDrawingsAsync(string projectId, CancellationToken ct)
    {
        const int Page = 1000;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var skip = 0; ; skip += Page)
        {
            var page = await _queries.ListDrawingsAsync(projectId, skip, Page, ct).ConfigureAwait(false);
            ids.UnionWith(page.Select(d => d.DrawingId));
            if (page.Count < Page)
            {
                return ids;
            }
        }
    }

    private static bool IsConcurrency(Exception e) =>
        e.GetType().Name.Contains("Concurrency", StringComparison.Ordinal) || (e.InnerException is { } inner && IsConcurrency(inner));

    /// <summary>Forwards read progress to the job on the reading thread.</summary>
    private sealed class JobProgress(ImportJob job) : IProgress<ImportReadProgress>
    {
        public void Report(ImportReadProgress value) => job.Read(value);
    }
}
