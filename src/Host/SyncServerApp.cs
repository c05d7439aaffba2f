using CrdtCollab.EventStore;
using CrdtCollab.Host.Batching;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Endpoints;
using CrdtCollab.Host.Endpoints.Hocuspocus;
using CrdtCollab.Host.Endpoints.Hub;
using CrdtCollab.Host.Endpoints.Rest;
using CrdtCollab.Host.Endpoints.YWebSocket;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.Lifecycle;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Security;
using CrdtCollab.Host.Storage;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine;

namespace CrdtCollab.Host;

/// <summary>
/// The composition root. An update's journey, folder by folder:
/// <c>Endpoints/</c> (y-websocket, Hocuspocus, SignalR) → <c>Intake/</c> (limits, apply to the
/// <c>LiveDocuments/</c> replica, which validates and broadcasts) → <c>Batching/</c> (Wolverine
/// <c>BatchMessagesOf</c>) → <c>Commit/</c> (one AppendBatch for all documents, then the acks).
/// </summary>
public static class SyncServerApp
{
    private const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Builds the server: starts the embedded PostgreSQL when no connection string is set, and applies the migrations.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        var options = builder.Configuration.GetSection(SyncServerOptions.Section).Get<SyncServerOptions>() ?? new SyncServerOptions();
        builder.Services.AddOptions<SyncServerOptions>().Bind(builder.Configuration.GetSection(SyncServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.HasExternalIssuer && string.IsNullOrWhiteSpace(auth.Audience))
        {
            throw new InvalidOperationException("Auth:Audience is required with an external issuer (Auth:Authority or Auth:SigningKey).");
        }
        if (!RoleNames.TryParse(auth.DefaultLinkRole, out var linkRole) || linkRole == Role.Owner)
        {
            throw new InvalidOperationException("Auth:DefaultLinkRole must be none, viewer, commenter or editor.");
        }
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SecurityLimits>().Bind(builder.Configuration.GetSection(SecurityLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection(SecurityLimits.Section).Get<SecurityLimits>() ?? new SecurityLimits();

        var startupLogger = Observability.Logging.LoggingSetup.CreateStartupLogger(builder, "CrdtCollab.Host");
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var embedded = new EmbeddedPostgres(options.DataDirectory ?? EmbeddedPostgres.DefaultDataDirectory(), startupLogger);
            await embedded.StartAsync(CancellationToken.None);
            // Through a factory, so the container owns it and stops the server on shutdown.
            builder.Services.AddSingleton(_ => embedded);
            connectionString = embedded.ConnectionString;
        }
        AddStorage(builder.Services, connectionString, options);
        AddPipeline(builder, options);
        AddSecurity(builder.Services, auth, limits, options.DataDirectory ?? EmbeddedPostgres.DefaultDataDirectory());
        ScaleOut.ScaleOutSetup.Add(builder, options);
        Observability.ObservabilitySetup.AddObservability(builder);
        Progress.ProgressSetup.Add(builder.Services, options);
        Imports.ProgressIoSetup.Add(builder);

        var app = builder.Build();
        // The container disposes only the singletons it created: resolving the embedded PostgreSQL
        // first makes the container own it and dispose it last, after the final flush, so the
        // server it started stops with the host.
        _ = app.Services.GetService<EmbeddedPostgres>();
        await app.Services.GetRequiredService<PostgresEventStore>().MigrateAsync();
        await app.Services.GetRequiredService<DocumentCatalog>().MigrateAsync(CancellationToken.None);
        await app.Services.GetRequiredService<PermissionStore>().MigrateAsync(CancellationToken.None);

        Observability.ObservabilitySetup.UseObservability(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRateLimiter();
        app.UseCors();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        AuthApi.Map(app, auth);
        DocumentsApi.Map(app);
        ProgressApi.Map(app);
        YWebSocketEndpoint.Map(app);
        HocuspocusEndpoint.Map(app);
        app.MapHub<SyncHub>("/hubs/sync");
        Imports.ProgressIoSetup.Map(app);
        app.Lifetime.ApplicationStarted.Register(() =>
            HostLog.Startup(app.Logger, $"CrdtCollab sync server on {string.Join(", ", app.Urls)} (demo at /, y-websocket at /ws/{{id}}, Hocuspocus at /hocuspocus, SignalR at /hubs/sync); schema {options.Schema}"));
        return app;
    }

    private static void AddSecurity(IServiceCollection services, AuthOptions auth, SecurityLimits limits, string dataDirectory)
    {
        AuthenticationSetup.Add(services, auth, dataDirectory);
        services.AddSingleton<TokenService>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<DocumentAccess>();
        services.AddHostedService<PermissionWatcher>();
        services.AddProblemDetails();
        services.AddRateLimiter(rate =>
        {
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.HttpRequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (limits.CorsOrigins.Length > 0)
            {
                policy.WithOrigins(limits.CorsOrigins).AllowAnyHeader().AllowAnyMethod();
            }
        }));
    }

    private static void AddStorage(IServiceCollection services, string connectionString, SyncServerOptions options)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), new EventStoreOptions
        {
            Schema = options.Schema,
            // The stored update is what an update added, which can exceed the update itself a little.
            MaxPayloadBytes = options.MaxUpdateBytes * 2,
        }, sp.GetRequiredService<ILogger<PostgresEventStore>>()));
        services.AddSingleton(sp => new DocumentCatalog(sp.GetRequiredService<NpgsqlDataSource>(), options.Schema));
        services.AddSingleton(sp => new PermissionStore(sp.GetRequiredService<NpgsqlDataSource>(), options.Schema));
    }

    private static void AddPipeline(WebApplicationBuilder builder, SyncServerOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new CommitBacklog(options.MaxBacklogUpdates));
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<SnapshotWriter>();
        services.AddSingleton<DocumentLoader>();
        services.AddSingleton<LiveDocumentRegistry>();
        services.AddSingleton<UpdateIntake>();
        services.AddSingleton<SyncFrameHandler>();
        services.AddSingleton<OpenSockets>();
        services.AddSingleton<HubSessions>();
        services.AddSingleton(sp => new BatchCommitter(sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<CommitBacklog>(),
            sp.GetRequiredService<StorageHealth>(), sp.GetRequiredService<SnapshotWriter>(), sp.GetRequiredService<SyncMetrics>(),
            sp.GetRequiredService<ILogger<BatchCommitter>>()));
        services.AddSingleton<DocumentEvictionService>();
        services.AddHostedService(sp => sp.GetRequiredService<DocumentEvictionService>());

        builder.Host.UseWolverine(wolverine =>
        {
            // Only the batch handler: no assembly scanning, so start-up generates one handler.
            wolverine.Discovery.DisableConventionalDiscovery().IncludeType(typeof(PendingUpdateBatchHandler));
            wolverine.BatchMessagesOf<PendingUpdate>(batching =>
            {
                batching.BatchSize = options.FlushMaxUpdates;
                batching.TriggerTime = options.FlushInterval;
            }).MaximumParallelMessages(options.ConcurrentCommits);
        });
        services.AddHostedService<BatchHandlerWarmUp>();
        if (options.Batcher == "channel")
        {
            services.AddSingleton<ChannelIntakeQueue>();
            services.AddSingleton<IIntakeQueue>(sp => sp.GetRequiredService<ChannelIntakeQueue>());
            services.AddHostedService(sp => sp.GetRequiredService<ChannelIntakeQueue>());
        }
        else
        {
            services.AddSingleton<IIntakeQueue, WolverineIntakeQueue>();
        }
        services.AddHostedService<GracefulShutdown>();

        services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = options.MaxUpdateBytes + 4096;
            // Update awaits its commit; letting a few run at once keeps a fast typist from
            // waiting one commit per keystroke.
            hub.MaximumParallelInvocationsPerClient = 16;
        }).AddMessagePackProtocol();
    }
}
