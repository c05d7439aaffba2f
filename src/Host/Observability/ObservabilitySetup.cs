using System.Diagnostics;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Observability.Health;
using CrdtCollab.Host.Observability.Logging;
using Microsoft.AspNetCore.SignalR;
using Serilog;
using Serilog.Events;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// Logs, metrics, traces and health in one place (docs/observability.md). Metrics are always on
/// and scraped at <c>/metrics</c>; OTLP export of metrics and traces starts only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and every other <c>OTEL_*</c> variable is read by
/// the OpenTelemetry SDK itself.
/// </summary>
internal static class ObservabilitySetup
{
    /// <summary>service.name unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "crdtcollab-sync";

    public const string ReadyTag = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static void AddObservability(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        LoggingSetup.Add(builder);
        services.AddSingleton<LoggingHubFilter>();
        services.Configure<HubOptions>(hub => hub.AddFilter<LoggingHubFilter>());
        services.AddSingleton<PipelineGauges>();
        services.AddSingleton<ImportMetrics>();
        services.AddSingleton<ProjectionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionMonitor>());

        bool otlp = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(config["OTEL_SERVICE_NAME"]))
        {
            otel.ConfigureResource(r => r.AddService(ServiceName));
        }
        otel.WithMetrics(metrics =>
        {
            metrics.AddMeter(SyncMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter(o => o.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithSuffixes);
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        if (otlp)
        {
            // Without an exporter no tracer provider is built, so no span is ever created (the
            // update path checks ActivitySource.HasListeners before allocating anything).
            otel.WithTracing(tracing => tracing
                .AddSource(SyncTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddNpgsql()
                .AddOtlpExporter());
        }

        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<ProjectionHealthCheck>("projections", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag], timeout: CheckTimeout);
    }

    public static void UseObservability(WebApplication app)
    {
        // Created now so their gauges exist from the first scrape.
        app.Services.GetRequiredService<PipelineGauges>();
        if (app.Services.GetService<ScaleOut.RedisDocumentFanOut>() is { } fanOut)
        {
            _ = new ScaleOutMetrics(app.Services.GetRequiredService<SyncMetrics>(), fanOut);
        }
        // One line per request at its end (path without the query string, where tokens travel),
        // with the user and the correlation id; probes and scrapes only at Verbose.
        app.UseSerilogRequestLogging(o =>
        {
            o.GetLevel = (http, _, e) => e is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : IsProbe(http.Request.Path) ? LogEventLevel.Verbose
                : LogEventLevel.Information;
            o.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("ConnectionId", http.TraceIdentifier);
                diagnostics.Set("CorrelationId", Activity.Current is { } a && a.TraceId != default ? a.TraceId.ToHexString() : http.TraceIdentifier);
                if (Security.ConnectionUser.From(http.User) is { } user)
                {
                    diagnostics.Set("UserId", user.Id);
                }
            };
        });
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        // Live: the process serves requests (no dependency checked, so a PostgreSQL outage never
        // gets a node restarted). Ready: PostgreSQL, projections, Redis.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
