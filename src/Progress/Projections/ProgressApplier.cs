using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Projections;

/// <summary>
/// Applies domain events to the read models held by a <see cref="ProgressWorkingSet"/>. Every change
/// to a component is written as "remove its old contribution, change it, add its new contribution"
/// to each level it counts in (drawing, area, system, test package, project), so rollups are exact
/// sums of their components without ever rescanning them.
/// </summary>
public sealed class ProgressApplier
{
    private readonly ProgressWorkingSet _set;
    private readonly Func<string, Guid> _streamIdOf;

    /// <summary>Creates an applier over <paramref name="set"/>.</summary>
    /// <param name="set">Documents the events touch (missing drawings/rollups/daily rows are created).</param>
    /// <param name="streamIdOf">Maps a CRDT document id to its update-log stream id (the Host's <c>DocumentStreamId.For</c>).</param>
    public ProgressApplier(ProgressWorkingSet set, Func<string, Guid> streamIdOf)
    {
        _set = set;
        _streamIdOf = streamIdOf;
    }

    /// <summary>Applies one event; <paramref name="timestamp"/> is the event's store timestamp.</summary>
    public void Apply(object data, DateTimeOffset timestamp)
    {
        switch (data)
        {
            case ProjectCreated e:
                var project = new ProjectSetup { Id = e.ProjectId, Name = e.Name, CreatedAt = e.At };
                _set.Projects[e.ProjectId] = project;
                Touch(project);
                Rollup(e.ProjectId, RollupKind.Project, e.ProjectId);
                break;
            case AreasDefined e:
                foreach (var area in e.Areas)
                {
                    Project(e.ProjectId).Areas[area.Id] = area.Name;
                    Rollup(e.ProjectId, RollupKind.Area, area.Id);
                }
                break;
            case SystemsDefined e:
                foreach (var system in e.Systems)
                {
                    Project(e.ProjectId).Systems[system.Id] = system.Name;
                    Rollup(e.ProjectId, RollupKind.System, system.Id);
                }
                break;
            case TestPackageDefined e:
                Project(e.ProjectId).TestPackages[e.TestPackageId] = new TestPackageInfo(e.Name, e.SystemId);
                Rollup(e.ProjectId, RollupKind.TestPackage, e.TestPackageId);
                break;
            case MilestoneTemplateDefined e:
                ApplyTemplate(e);
                break;
            case DrawingsImported e:
                foreach (var spec in e.Drawings)
                {
                    ApplyDrawing(e.ProjectId, spec);
                }
                break;
            case ComponentsImported e:
                foreach (var spec in e.Components)
                {
                    ApplyComponent(e.ProjectId, spec);
                }
                break;
            case MilestoneProgressChanged e:
                ApplyChange(e);
                break;
            default:
                // ReportIssued and unknown types do not change progress.
                _ = timestamp;
                break;
        }
    }

    /// <summary>Sets every touched document's percent from its earned and total weight.</summary>
    public void Finish()
    {
        foreach (var doc in _set.Touched)
        {
            switch (doc)
            {
                case DrawingProgress d:
                    d.Percent = Percent(d.Earned, d.Total);
                    break;
                case RollupProgress r:
                    r.Percent = Percent(r.Earned, r.Total);
                    break;
                case DailyProgress p:
                    p.Percent = Percent(p.Earned, p.Total);
                    break;
            }
        }
    }

    /// <summary>Progress in percent; 0 when nothing has weight.</summary>
    public static double Percent(double earned, double total) => total > 0 ? Math.Round(earned / total * 100, 6) : 0;

    private void ApplyTemplate(MilestoneTemplateDefined e)
    {
        var project = Project(e.ProjectId);
        project.Templates[e.ComponentType] = [.. e.Milestones];
        if (project.ComponentCount == 0)
        {
            return;
        }
        if (!_set.FullyLoadedProjects.Contains(e.ProjectId))
        {
            throw new InvalidOperationException($"Redefining a template of project {e.ProjectId} needs all its drawings loaded.");
        }
        foreach (var drawing in _set.Drawings.Values.Where(d => d.ProjectId == e.ProjectId))
        {
            foreach (var component in drawing.Components.Values.Where(c => c.Type == e.ComponentType))
            {
                Contribute(project, drawing, component, -1);
                Reweigh(project, component);
                Contribute(project, drawing, component, +1);
            }
            Touch(drawing);
        }
    }

    private void ApplyDrawing(string projectId, DrawingSpec spec)
    {
        var project = Project(projectId);
        var id = DrawingDocumentIds.For(projectId, spec.DrawingId);
        if (!_set.Drawings.TryGetValue(id, out var drawing))
        {
            drawing = new DrawingProgress { Id = id, ProjectId = projectId, DrawingId = spec.DrawingId };
            _set.Drawings[id] = drawing;
            _set.NewStreams.Add(new DrawingStreamEntry { Id = _streamIdOf(id), DocumentId = id, ProjectId = projectId, DrawingId = spec.DrawingId });
            project.DrawingCount++;
            Touch(project);
        }
        drawing.Title = spec.Title;
        if (drawing.AreaId != spec.AreaId || drawing.SystemId != spec.SystemId)
        {
            foreach (var component in drawing.Components.Values)
            {
                Contribute(project, drawing, component, -1, drawingLevel: false);
            }
            drawing.AreaId = spec.AreaId;
            drawing.SystemId = spec.SystemId;
            foreach (var component in drawing.Components.Values)
            {
                Contribute(project, drawing, component, +1, drawingLevel: false);
            }
        }
        Rollup(projectId, RollupKind.Area, spec.AreaId);
        Rollup(projectId, RollupKind.System, spec.SystemId);
        Touch(drawing);
    }

    private void ApplyComponent(string projectId, ComponentSpec spec)
    {
        var project = Project(projectId);
        var drawing = Drawing(projectId, spec.DrawingId);
        if (drawing.Components.TryGetValue(spec.ComponentId, out var component))
        {
            Contribute(project, drawing, component, -1);
        }
        else
        {
            component = new ComponentState();
            drawing.Components[spec.ComponentId] = component;
            project.ComponentCount++;
            Touch(project);
        }
        component.Type = spec.Type;
        component.TestPackageId = spec.TestPackageId;
        component.Description = spec.Description;
        Reweigh(project, component);
        Contribute(project, drawing, component, +1);
        Touch(drawing);
    }

    private void ApplyChange(MilestoneProgressChanged e)
    {
        var project = Project(e.ProjectId);
        var drawing = Drawing(e.ProjectId, e.DrawingId);
        if (!drawing.Components.TryGetValue(e.ComponentId, out var component) || !component.Milestones.ContainsKey(e.Milestone))
        {
            // The bridge only emits changes of known milestones; a later re-import may have removed one.
            return;
        }
        var before = new Levels(this, project, drawing, component);
        Contribute(project, drawing, component, -1);
        component.Milestones[e.Milestone] = e.To;
        Reweigh(project, component);
        Contribute(project, drawing, component, +1);
        component.LastChangedAt = e.At;
        drawing.Changes++;
        drawing.LastChangedAt = e.At;
        drawing.LastChangedBy = e.User;
        Touch(drawing);
        var day = DateOnly.FromDateTime(e.At.UtcDateTime);
        Daily(drawing.Id, RollupKind.Drawing, drawing.DrawingId, drawing, day, drawing.Earned - before.Drawing);
        foreach (var (rollup, earnedBefore) in before.Rollups)
        {
            rollup.Changes++;
            rollup.LastChangedAt = e.At;
            Daily(rollup.Id, rollup.Kind, rollup.Key, rollup, day, rollup.Earned - earnedBefore);
        }
    }

    private void Daily(string scopeId, string kind, string key, object scope, DateOnly day, double delta)
    {
        var id = DailyProgress.IdFor(scopeId, day);
        if (!_set.Daily.TryGetValue(id, out var row))
        {
            row = new DailyProgress { Id = id, ProjectId = scope is DrawingProgress d0 ? d0.ProjectId : ((RollupProgress)scope).ProjectId, Kind = kind, Key = key, Day = day };
            _set.Daily[id] = row;
        }
        (row.Earned, row.Total) = scope is DrawingProgress d ? (d.Earned, d.Total) : (((RollupProgress)scope).Earned, ((RollupProgress)scope).Total);
        row.EarnedDelta += delta;
        row.Changes++;
        Touch(row);
    }

    /// <summary>Recomputes a component's milestone set, earned and total weight from its template.</summary>
    private static void Reweigh(ProjectSetup project, ComponentState component)
    {
        var template = project.Templates.GetValueOrDefault(component.Type) ?? [];
        var values = new Dictionary<string, double>(template.Count);
        double earned = 0, total = 0;
        foreach (var milestone in template)
        {
            var value = component.Milestones.GetValueOrDefault(milestone.Name);
            values[milestone.Name] = value;
            earned += milestone.Weight * value / 100;
            total += milestone.Weight;
        }
        component.Milestones = values;
        component.Earned = earned;
        component.Total = total;
    }

    private void Contribute(ProjectSetup project, DrawingProgress drawing, ComponentState component, int sign, bool drawingLevel = true)
    {
        if (drawingLevel)
        {
            drawing.Earned += sign * component.Earned;
            drawing.Total += sign * component.Total;
            Count(drawing.Milestones, component, sign);
        }
        foreach (var rollup in Targets(project.Id, drawing, component))
        {
            rollup.Earned += sign * component.Earned;
            rollup.Total += sign * component.Total;
            rollup.Components += sign;
            Count(rollup.Milestones, component, sign);
            Touch(rollup);
        }
    }

    private IEnumerable<RollupProgress> Targets(string projectId, DrawingProgress drawing, ComponentState component)
    {
        yield return Rollup(projectId, RollupKind.Project, projectId);
        if (drawing.AreaId.Length > 0)
        {
            yield return Rollup(projectId, RollupKind.Area, drawing.AreaId);
        }
        if (drawing.SystemId.Length > 0)
        {
            yield return Rollup(projectId, RollupKind.System, drawing.SystemId);
        }
        if (!string.IsNullOrEmpty(component.TestPackageId))
        {
            yield return Rollup(projectId, RollupKind.TestPackage, component.TestPackageId);
        }
    }

    private static void Count(Dictionary<string, MilestoneCount> counts, ComponentState component, int sign)
    {
        foreach (var (name, value) in component.Milestones)
        {
            if (!counts.TryGetValue(name, out var count))
            {
                count = new MilestoneCount();
                counts[name] = count;
            }
            count.Total += sign;
            if (value >= MilestoneValues.Complete)
            {
                count.Complete += sign;
            }
            else if (value > MilestoneValues.Absent)
            {
                count.InProgress += sign;
            }
        }
    }

    private ProjectSetup Project(string projectId)
    {
        if (!_set.Projects.TryGetValue(projectId, out var project))
        {
            throw new InvalidOperationException($"Project {projectId} does not exist.");
        }
        Touch(project);
        return project;
    }

    private DrawingProgress Drawing(string projectId, string drawingId)
    {
        var id = DrawingDocumentIds.For(projectId, drawingId);
        return _set.Drawings.TryGetValue(id, out var drawing)
            ? drawing
            : throw new InvalidOperationException($"Drawing {drawingId} of project {projectId} does not exist.");
    }

    private RollupProgress Rollup(string projectId, string kind, string key)
    {
        var id = RollupKind.RollupId(projectId, kind, key);
        if (!_set.Rollups.TryGetValue(id, out var rollup))
        {
            rollup = new RollupProgress { Id = id, ProjectId = projectId, Kind = kind, Key = key };
            _set.Rollups[id] = rollup;
            Touch(rollup);
        }
        return rollup;
    }

    private void Touch(object document) => _set.Touched.Add(document);

    /// <summary>Earned weights of a component's levels before a change, to compute each level's delta.</summary>
    private readonly struct Levels
    {
        public Levels(ProgressApplier applier, ProjectSetup project, DrawingProgress drawing, ComponentState component)
        {
            Drawing = drawing.Earned;
            Rollups = [.. applier.Targets(project.Id, drawing, component).Select(r => (r, r.Earned))];
        }

        public double Drawing { get; }

        public List<(RollupProgress Rollup, double Earned)> Rollups { get; }
    }
}
