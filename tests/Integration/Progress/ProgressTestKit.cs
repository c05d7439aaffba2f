using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using Marten;
using Npgsql;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>A Marten progress store in a fresh schema, and a small generated project to import.</summary>
internal static class ProgressTestKit
{
    public static async Task<DocumentStore> NewStoreAsync(NpgsqlDataSource dataSource, string prefix)
    {
        var store = ProgressStore.Create(dataSource, new ProgressOptions { Schema = TestSchema.NewName(prefix), StreamIdOf = DocumentStreamId.For });
        await ProgressStore.MigrateAsync(store);
        return store;
    }

    /// <summary>Drawings D-00..D-(n-1) over two areas and two systems; components of every default type, two test packages.</summary>
    public static (List<DrawingSpec> Drawings, List<ComponentSpec> Components) SmallProject(int drawings, int componentsPerDrawing)
    {
        var types = ComponentTypes.DefaultTemplates.Keys.Order(StringComparer.Ordinal).ToArray();
        var ds = new List<DrawingSpec>();
        var cs = new List<ComponentSpec>();
        for (var d = 0; d < drawings; d++)
        {
            var drawingId = $"D-{d:00}";
            ds.Add(new DrawingSpec(drawingId, $"Drawing {d}", $"A{d % 2}", $"S{d / 2 % 2}"));
            for (var c = 0; c < componentsPerDrawing; c++)
            {
                cs.Add(new ComponentSpec(drawingId, $"C{c}", types[(d + c) % types.Length], $"TP{c % 2}", null));
            }
        }
        return (ds, cs);
    }
}
