using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using JasperFx.Events;
using Marten;

namespace CrdtCollab.Progress;

/// <summary>
/// The write side of the progress domain (everything but milestone values, which come from the
/// bridge). Each command validates first and appends in one Marten transaction, so a refused
/// command stores nothing; the inline projection updates the read models in that transaction.
/// </summary>
public sealed class ProgressCommands
{
    /// <summary>Components per <see cref="ComponentsImported"/> event: keeps one event's JSON small.</summary>
    public const int ComponentsPerEvent = 1000;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the commands over <paramref name="store"/> (from <see cref="ProgressStore.Create"/>).</summary>
    public ProgressCommands(IDocumentStore store, TimeProvider? timeProvider = null)
    {
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Creates a project with the default milestone templates (<see cref="ComponentTypes.DefaultTemplates"/>).
    /// Throws <see cref="ProgressValidationException"/> for an invalid id or name, or when it exists.
    /// </summary>
    public async Task<ProjectSetup> CreateProjectAsync(string projectId, string name, string? user, CancellationToken cancellationToken = default)
    {
        if (!ProgressIds.IsValidProjectId(projectId))
        {
            throw new ProgressValidationException($"Project id '{projectId}' must be 1-{ProgressIds.MaxProjectIdLength} characters of a-z, 0-9 and '-', not starting with '-'.");
        }
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ProgressValidationException("Project name must be 1-200 characters.");
        }
        await using var session = _store.LightweightSession();
        if (await session.LoadAsync<ProjectSetup>(projectId, cancellationToken) is not null)
        {
            throw new ProgressValidationException($"Project '{projectId}' already exists.");
        }
        var events = new List<object> { new ProjectCreated(projectId, name.Trim(), _time.GetUtcNow(), user) };
        events.AddRange(ComponentTypes.DefaultTemplates.Select(t => new MilestoneTemplateDefined(projectId, t.Key, t.Value)));
        // StartStream fails if another request created the project meanwhile.
        session.Events.StartStream(ProgressIds.ProjectStream(projectId), events);
        await session.SaveChangesAsync(cancellationToken);
        return (await session.LoadAsync<ProjectSetup>(projectId, cancellationToken))!;
    }

    /// <summary>Defines (or redefines) the milestone template of a component type.</summary>
    public async Task DefineTemplateAsync(string projectId, string componentType, IReadOnlyList<MilestoneDefinition> milestones, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var errors = new List<string>();
        if (!ProgressIds.IsValidItemId(componentType))
        {
            errors.Add($"Component type '{componentType}' is not a valid id.");
        }
        if (milestones.Count is 0 or > 20)
        {
            errors.Add("A template has 1-20 milestones.");
        }
        if (milestones.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != milestones.Count)
        {
            errors.Add("Milestone names must be unique.");
        }
        errors.AddRange(milestones.Where(m => !ProgressIds.IsValidItemId(m.Name)).Select(m => $"Milestone name '{m.Name}' is not a valid id."));
        errors.AddRange(milestones.Where(m => !double.IsFinite(m.Weight) || m.Weight is < 0 or > 1000).Select(m => $"Milestone '{m.Name}' weight must be 0-1000."));
        ThrowIfAny(errors);
        await AppendToProjectAsync(projectId, [new MilestoneTemplateDefined(projectId, componentType, milestones)], cancellationToken);
    }

    /// <summary>Records that a report was issued.</summary>
    public Task IssueReportAsync(ReportIssued report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return AppendToProjectAsync(report.ProjectId, [report], cancellationToken);
    }

    /// <summary>
    /// Imports drawings and components with upsert semantics and appends only what changed: new or
    /// changed drawings in one <see cref="DrawingsImported"/>, new or changed components in
    /// <see cref="ComponentsImported"/> events, and the areas, systems and test packages they name
    /// that do not exist yet (named after their id). Importing the same data again appends nothing.
    /// Nothing is removed: a drawing or component absent from the input stays.
    /// </summary>
    /// <remarks>
    /// All or nothing: every row is validated first (ids, known drawing, component type with a
    /// template, no duplicate key), and any problem throws <see cref="ProgressValidationException"/>
    /// listing them all, with nothing stored. The append expects the project stream's version read at
    /// the start, so two concurrent imports cannot both base their diff on the same state: the later
    /// one fails with a concurrency error and can be retried.
    /// </remarks>
    public async Task<ImportResult> ImportAsync(string projectId, IReadOnlyList<DrawingSpec> drawings, IReadOnlyList<ComponentSpec> components, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drawings);
        ArgumentNullException.ThrowIfNull(components);
        await using var session = _store.LightweightSession();
        var project = await session.LoadAsync<ProjectSetup>(projectId, cancellationToken)
            ?? throw new ProgressValidationException($"Project '{projectId}' does not exist.");
        var state = await session.Events.FetchStreamStateAsync(ProgressIds.ProjectStream(projectId), cancellationToken);
        var existing = (await session.Query<DrawingProgress>().Where(d => d.ProjectId == projectId).ToListAsync(cancellationToken))
            .ToDictionary(d => d.DrawingId, StringComparer.Ordinal);

        var errors = new List<string>();
        var drawingIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in drawings)
        {
            if (!ProgressIds.IsValidItemId(d.DrawingId))
            {
                errors.Add($"Drawing id '{d.DrawingId}' is not valid.");
            }
            else if (!drawingIds.Add(d.DrawingId))
            {
                errors.Add($"Drawing '{d.DrawingId}' appears twice.");
            }
            if (!ProgressIds.IsValidItemId(d.AreaId))
            {
                errors.Add($"Drawing '{d.DrawingId}': area id '{d.AreaId}' is not valid.");
            }
            if (!ProgressIds.IsValidItemId(d.SystemId))
            {
                errors.Add($"Drawing '{d.DrawingId}': system id '{d.SystemId}' is not valid.");
            }
            if (d.Title is null || d.Title.Length > 200)
            {
                errors.Add($"Drawing '{d.DrawingId}': title must be at most 200 characters.");
            }
        }
        var componentKeys = new HashSet<(string, string)>();
        foreach (var c in components)
        {
            if (!drawingIds.Contains(c.DrawingId) && !existing.ContainsKey(c.DrawingId))
            {
                errors.Add($"Component '{c.ComponentId}': drawing '{c.DrawingId}' is not imported.");
            }
            if (!ProgressIds.IsValidItemId(c.ComponentId))
            {
                errors.Add($"Component id '{c.ComponentId}' is not valid.");
            }
            else if (!componentKeys.Add((c.DrawingId, c.ComponentId)))
            {
                errors.Add($"Component '{c.ComponentId}' appears twice on drawing '{c.DrawingId}'.");
            }
            if (!project.Templates.ContainsKey(c.Type ?? ""))
            {
                errors.Add($"Component '{c.ComponentId}': type '{c.Type}' has no milestone template (known: {string.Join(", ", project.Templates.Keys.Order(StringComparer.Ordinal))}).");
            }
            if (c.TestPackageId is not null && !ProgressIds.IsValidItemId(c.TestPackageId))
            {
                errors.Add($"Component '{c.ComponentId}': test package id '{c.TestPackageId}' is not valid.");
            }
            if (c.Description is { Length: > 500 })
            {
                errors.Add($"Component '{c.ComponentId}': description must be at most 500 characters.");
            }
        }
        ThrowIfAny(errors);

        var events = new List<object>();
        var newAreas = drawings.Select(d => d.AreaId).Distinct(StringComparer.Ordinal).Where(a => !project.Areas.ContainsKey(a)).ToList();
        var newSystems = drawings.Select(d => d.SystemId).Distinct(StringComparer.Ordinal).Where(s => !project.Systems.ContainsKey(s)).ToList();
        var newPackages = components.Select(c => c.TestPackageId).OfType<string>().Distinct(StringComparer.Ordinal).Where(t => !project.TestPackages.ContainsKey(t)).ToList();
        if (newAreas.Count > 0)
        {
            events.Add(new AreasDefined(projectId, [.. newAreas.Select(a => new NamedItem(a, a))]));
        }
        if (newSystems.Count > 0)
        {
            events.Add(new SystemsDefined(projectId, [.. newSystems.Select(s => new NamedItem(s, s))]));
        }
        events.AddRange(newPackages.Select(t => new TestPackageDefined(projectId, t, t, null)));

        int drawingsAdded = 0, drawingsUpdated = 0, componentsAdded = 0, componentsUpdated = 0;
        var changedDrawings = new List<DrawingSpec>();
        foreach (var d in drawings)
        {
            if (!existing.TryGetValue(d.DrawingId, out var old))
            {
                drawingsAdded++;
                changedDrawings.Add(d);
            }
            else if (old.Title != d.Title || old.AreaId != d.AreaId || old.SystemId != d.SystemId)
            {
                drawingsUpdated++;
                changedDrawings.Add(d);
            }
        }
        if (changedDrawings.Count > 0)
        {
            events.Add(new DrawingsImported(projectId, changedDrawings));
        }
        var changedComponents = new List<ComponentSpec>();
        foreach (var c in components)
        {
            ComponentState? old = null;
            if (existing.TryGetValue(c.DrawingId, out var drawing) && drawing.Components.TryGetValue(c.ComponentId, out old))
            {
                if (old.Type == c.Type && old.TestPackageId == c.TestPackageId && old.Description == c.Description)
                {
                    continue;
                }
                componentsUpdated++;
            }
            else
            {
                componentsAdded++;
            }
            changedComponents.Add(c);
        }
        events.AddRange(changedComponents.Chunk(ComponentsPerEvent).Select(chunk => new ComponentsImported(projectId, chunk)));

        var result = new ImportResult(
            drawingsAdded, drawingsUpdated, drawings.Count - drawingsAdded - drawingsUpdated,
            componentsAdded, componentsUpdated, components.Count - componentsAdded - componentsUpdated,
            newAreas.Count, newSystems.Count, newPackages.Count);
        if (events.Count == 0)
        {
            return result;
        }
        session.Events.Append(ProgressIds.ProjectStream(projectId), (state?.Version ?? 0) + events.Count, events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        return result;
    }

    private async Task AppendToProjectAsync(string projectId, IReadOnlyList<object> events, CancellationToken cancellationToken)
    {
        await using var session = _store.LightweightSession();
        if (await session.LoadAsync<ProjectSetup>(projectId, cancellationToken) is null)
        {
            throw new ProgressValidationException($"Project '{projectId}' does not exist.");
        }
        session.Events.Append(ProgressIds.ProjectStream(projectId), events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new ProgressValidationException(errors);
        }
    }
}
