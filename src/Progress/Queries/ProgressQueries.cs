using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using Marten;

namespace CrdtCollab.Progress.Queries;

/// <summary>
/// The read side: every answer comes from a projected document (one load or one indexed query), never
/// from the raw logs.
/// </summary>
public sealed class ProgressQueries
{
    private readonly IDocumentStore _store;

    /// <summary>Creates the queries over <paramref name="store"/>.</summary>
    public ProgressQueries(IDocumentStore store) => _store = store;

    /// <summary>All projects, by id.</summary>
    public async Task<IReadOnlyList<ProjectSetup>> ListProjectsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<ProjectSetup>().OrderBy(p => p.Id).ToListAsync(cancellationToken);
    }

    /// <summary>A project's structure, or null.</summary>
    public async Task<ProjectSetup?> GetProjectAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.LoadAsync<ProjectSetup>(projectId, cancellationToken);
    }

    /// <summary>One rollup (<see cref="RollupKind"/>: project, area, system, test package), or null.</summary>
    public async Task<RollupProgress?> GetRollupAsync(string projectId, string kind, string key, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.LoadAsync<RollupProgress>(RollupKind.RollupId(projectId, kind, key), cancellationToken);
    }

    /// <summary>Every rollup of one kind in a project, by key.</summary>
    public async Task<IReadOnlyList<RollupProgress>> ListRollupsAsync(string projectId, string kind, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<RollupProgress>().Where(r => r.ProjectId == projectId && r.Kind == kind).OrderBy(r => r.Key).ToListAsync(cancellationToken);
    }

    /// <summary>A drawing with its components and milestone values, or null.</summary>
    public async Task<DrawingProgress?> GetDrawingAsync(string projectId, string drawingId, CancellationToken cancellationToken = default)
    {
        if (!DrawingDocumentIds.TryParse(DrawingDocumentIds.Prefix + projectId + "." + drawingId, out _, out _))
        {
            return null;
        }
        await using var session = _store.QuerySession();
        return await session.LoadAsync<DrawingProgress>(DrawingDocumentIds.For(projectId, drawingId), cancellationToken);
    }

    /// <summary>A page of a project's drawings with their progress (without components), ordered by drawing id.</summary>
    public async Task<IReadOnlyList<DrawingSummary>> ListDrawingsAsync(string projectId, int skip = 0, int take = 1000, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<DrawingProgress>()
            .Where(d => d.ProjectId == projectId)
            .OrderBy(d => d.DrawingId)
            .Skip(skip).Take(take)
            .Select(d => new DrawingSummary
            {
                DrawingId = d.DrawingId,
                DocumentId = d.Id,
                Title = d.Title,
                AreaId = d.AreaId,
                SystemId = d.SystemId,
                Earned = d.Earned,
                Total = d.Total,
                Percent = d.Percent,
                Changes = d.Changes,
                LastChangedAt = d.LastChangedAt,
            })
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every drawing of a project with its components (for reports).</summary>
    public async Task<IReadOnlyList<DrawingProgress>> ListDrawingDetailsAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<DrawingProgress>().Where(d => d.ProjectId == projectId).OrderBy(d => d.DrawingId).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Daily history of one scope (kind <see cref="RollupKind"/>, key = drawing/area/system/test
    /// package id or the project id) between two UTC days inclusive: only days with a change.
    /// </summary>
    public async Task<IReadOnlyList<DailyProgress>> GetHistoryAsync(string projectId, string kind, string key, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<DailyProgress>()
            .Where(d => d.ProjectId == projectId && d.Kind == kind && d.Key == key && d.Day >= from && d.Day <= to)
            .OrderBy(d => d.Day)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Daily rows of every scope of one kind in a project between two days (for reports).</summary>
    public async Task<IReadOnlyList<DailyProgress>> ListHistoryAsync(string projectId, string kind, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        return await session.Query<DailyProgress>()
            .Where(d => d.ProjectId == projectId && d.Kind == kind && d.Day >= from && d.Day <= to)
            .OrderBy(d => d.Key).ThenBy(d => d.Day)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Milestone changes of a project whose update was committed in [<paramref name="from"/>,
    /// <paramref name="to"/>), oldest first (who changed what, for reports). Reads Marten's events,
    /// the domain record, not the CRDT log.
    /// </summary>
    public async Task<IReadOnlyList<MilestoneProgressChanged>> ListChangesAsync(string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var session = _store.QuerySession();
        var changes = await session.Events.QueryRawEventDataOnly<MilestoneProgressChanged>()
            .Where(e => e.ProjectId == projectId && e.At >= from && e.At < to)
            .ToListAsync(cancellationToken);
        return [.. changes.OrderBy(e => e.SourcePosition).ThenBy(e => e.ComponentId, StringComparer.Ordinal).ThenBy(e => e.Milestone, StringComparer.Ordinal)];
    }
}
