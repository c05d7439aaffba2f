using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace CrdtCollab.Progress;

/// <summary>Builds the Marten store of the progress domain: events, read models and the inline projection.</summary>
public static class ProgressStore
{
    /// <summary>Creates the store; call <see cref="MigrateAsync"/> once before use.</summary>
    public static DocumentStore Create(NpgsqlDataSource dataSource, ProgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        return DocumentStore.For(store =>
        {
            store.Connection(dataSource);
            store.DatabaseSchemaName = options.Schema;
            store.UseSystemTextJsonForSerialization();
            // Tables are created by MigrateAsync at start: the bridge opens sessions inside the
            // daemon's transaction, where a lazy migration on another connection would be a surprise.
            store.AutoCreateSchemaObjects = AutoCreate.None;
            store.Events.StreamIdentity = StreamIdentity.AsString;
            store.Events.AppendMode = EventAppendMode.Quick;
            store.Events.DatabaseSchemaName = options.Schema;
            store.Events.AddEventType<ProjectCreated>();
            store.Events.AddEventType<AreasDefined>();
            store.Events.AddEventType<SystemsDefined>();
            store.Events.AddEventType<TestPackageDefined>();
            store.Events.AddEventType<MilestoneTemplateDefined>();
            store.Events.AddEventType<DrawingsImported>();
            store.Events.AddEventType<ComponentsImported>();
            store.Events.AddEventType<MilestoneProgressChanged>();
            store.Events.AddEventType<ReportIssued>();
            store.Schema.For<ProjectSetup>();
            store.Schema.For<DrawingStreamEntry>();
            store.Schema.For<DrawingProgress>().Duplicate(d => d.ProjectId);
            store.Schema.For<RollupProgress>().Duplicate(r => r.ProjectId);
            store.Schema.For<DailyProgress>().Duplicate(d => d.ProjectId).Duplicate(d => d.Kind).Duplicate(d => d.Key);
            store.Projections.Add(new ProgressProjection(options.StreamIdOf), ProjectionLifecycle.Inline);
        });
    }

    /// <summary>Creates or updates every table, function and index of the store.</summary>
    public static Task MigrateAsync(IDocumentStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
    }
}
