using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using Marten;

namespace CrdtCollab.Progress.Projections;

/// <summary>Loads the documents a batch of events touches (a few round trips per batch) and stores the changed ones.</summary>
internal static class ProgressWorkingSetLoader
{
    public static async Task<ProgressWorkingSet> LoadAsync(IQuerySession session, IReadOnlyList<object> events, CancellationToken cancellationToken)
    {
        var set = new ProgressWorkingSet();
        var projects = new HashSet<string>();
        var drawings = new HashSet<string>();
        var redefined = new HashSet<string>();
        var days = new HashSet<DateOnly>();
        var extraScopes = new HashSet<string>();
        foreach (var e in events)
        {
            switch (e)
            {
                case ProjectCreated c:
                    projects.Add(c.ProjectId);
                    break;
                case AreasDefined a:
                    projects.Add(a.ProjectId);
                    break;
                case SystemsDefined s:
                    projects.Add(s.ProjectId);
                    break;
                case TestPackageDefined t:
                    projects.Add(t.ProjectId);
                    break;
                case MilestoneTemplateDefined t:
                    projects.Add(t.ProjectId);
                    redefined.Add(t.ProjectId);
                    break;
                case DrawingsImported d:
                    projects.Add(d.ProjectId);
                    foreach (var spec in d.Drawings)
                    {
                        drawings.Add(DrawingDocumentIds.For(d.ProjectId, spec.DrawingId));
                        extraScopes.Add(RollupKind.RollupId(d.ProjectId, RollupKind.Area, spec.AreaId));
                        extraScopes.Add(RollupKind.RollupId(d.ProjectId, RollupKind.System, spec.SystemId));
                    }
                    break;
                case ComponentsImported c:
                    projects.Add(c.ProjectId);
                    foreach (var spec in c.Components)
                    {
                        drawings.Add(DrawingDocumentIds.For(c.ProjectId, spec.DrawingId));
                        if (!string.IsNullOrEmpty(spec.TestPackageId))
                        {
                            extraScopes.Add(RollupKind.RollupId(c.ProjectId, RollupKind.TestPackage, spec.TestPackageId));
                        }
                    }
                    break;
                case MilestoneProgressChanged m:
                    projects.Add(m.ProjectId);
                    drawings.Add(DrawingDocumentIds.For(m.ProjectId, m.DrawingId));
                    days.Add(DateOnly.FromDateTime(m.At.UtcDateTime));
                    break;
            }
        }
        if (projects.Count == 0)
        {
            return set;
        }
        foreach (var project in await session.LoadManyAsync<ProjectSetup>(cancellationToken, projects))
        {
            set.Projects[project.Id] = project;
        }
        foreach (var projectId in redefined)
        {
            foreach (var drawing in await session.Query<DrawingProgress>().Where(d => d.ProjectId == projectId).ToListAsync(cancellationToken))
            {
                set.Drawings[drawing.Id] = drawing;
            }
            set.FullyLoadedProjects.Add(projectId);
        }
        var missing = drawings.Where(id => !set.Drawings.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var drawing in await session.LoadManyAsync<DrawingProgress>(cancellationToken, missing))
            {
                set.Drawings[drawing.Id] = drawing;
            }
        }
        foreach (var projectId in projects)
        {
            foreach (var rollup in await session.Query<RollupProgress>().Where(r => r.ProjectId == projectId).ToListAsync(cancellationToken))
            {
                set.Rollups[rollup.Id] = rollup;
            }
        }
        if (days.Count > 0)
        {
            var scopes = new HashSet<string>(extraScopes);
            foreach (var projectId in projects)
            {
                scopes.Add(RollupKind.RollupId(projectId, RollupKind.Project, projectId));
            }
            foreach (var drawingId in drawings)
            {
                if (!set.Drawings.TryGetValue(drawingId, out var drawing))
                {
                    continue;
                }
                scopes.Add(drawing.Id);
                scopes.Add(RollupKind.RollupId(drawing.ProjectId, RollupKind.Project, drawing.ProjectId));
                scopes.Add(RollupKind.RollupId(drawing.ProjectId, RollupKind.Area, drawing.AreaId));
                scopes.Add(RollupKind.RollupId(drawing.ProjectId, RollupKind.System, drawing.SystemId));
                foreach (var component in drawing.Components.Values)
                {
                    if (!string.IsNullOrEmpty(component.TestPackageId))
                    {
                        scopes.Add(RollupKind.RollupId(drawing.ProjectId, RollupKind.TestPackage, component.TestPackageId));
                    }
                }
            }
            var ids = scopes.SelectMany(s => days.Select(d => DailyProgress.IdFor(s, d))).ToList();
            foreach (var row in await session.LoadManyAsync<DailyProgress>(cancellationToken, ids))
            {
                set.Daily[row.Id] = row;
            }
        }
        return set;
    }

    public static void Store(IDocumentOperations operations, ProgressWorkingSet set)
    {
        foreach (var document in set.Touched)
        {
            switch (document)
            {
                case ProjectSetup p:
                    operations.Store(p);
                    break;
                case DrawingProgress d:
                    operations.Store(d);
                    break;
                case RollupProgress r:
                    operations.Store(r);
                    break;
                case DailyProgress p:
                    operations.Store(p);
                    break;
            }
        }
        foreach (var entry in set.NewStreams)
        {
            operations.Store(entry);
        }
    }
}
