using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CrdtCollab.Host.Observability.Logging;

/// <summary>
/// Serilog as the host's only logger: compact JSON (CLEF, one event per line, with <c>@tr</c>/<c>@sp</c>
/// trace ids) on standard output, readable text in Development or with <c>Observability:LogFormat=text</c>.
/// Levels come from the usual <c>Logging:LogLevel</c> section (so every existing setting, test and
/// deploy keeps working), and a <c>Serilog</c> section may add sinks or enrichers. Secrets are
/// scrubbed from every property before any sink sees the event (<see cref="SecretScrubber"/>).
/// </summary>
internal static class LoggingSetup
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static void Add(WebApplicationBuilder builder)
    {
        bool text = UseText(builder);
        builder.Services.AddSerilog((services, logger) => Configure(logger, services.GetRequiredService<IConfiguration>(), text));
    }

    /// <summary>A logger for what runs before the host is built (the embedded PostgreSQL), in the same format.</summary>
    public static Microsoft.Extensions.Logging.ILogger CreateStartupLogger(WebApplicationBuilder builder, string category)
    {
        var logger = Configure(new LoggerConfiguration(), builder.Configuration, UseText(builder)).CreateLogger();
        return new Serilog.Extensions.Logging.SerilogLoggerFactory(logger, dispose: true).CreateLogger(category);
    }

    private static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, bool text)
    {
        var levels = configuration.GetSection("Logging:LogLevel");
        logger.MinimumLevel.Is(ToSerilog(levels["Default"], LogEventLevel.Information));
        foreach (var entry in levels.GetChildren())
        {
            if (entry.Key != "Default")
            {
                logger.MinimumLevel.Override(entry.Key, ToSerilog(entry.Value, LogEventLevel.Information));
            }
        }
        if (configuration.GetSection("Serilog").Exists())
        {
            logger.ReadFrom.Configuration(configuration);
        }
        logger.Enrich.FromLogContext().Enrich.With<SecretScrubber>();
        return text
            ? logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : logger.WriteTo.Console(new RenderedCompactJsonFormatter());
    }

    private static bool UseText(WebApplicationBuilder builder) => builder.Configuration["Observability:LogFormat"] switch
    {
        "text" => true,
        "json" => false,
        _ => builder.Environment.IsDevelopment(),
    };

    // Microsoft's level names; None has no Serilog level, so it sits above Fatal.
    private static LogEventLevel ToSerilog(string? level, LogEventLevel fallback) => level switch
    {
        "Trace" => LogEventLevel.Verbose,
        "Debug" => LogEventLevel.Debug,
        "Information" => LogEventLevel.Information,
        "Warning" => LogEventLevel.Warning,
        "Error" => LogEventLevel.Error,
        "Critical" => LogEventLevel.Fatal,
        "None" => LogEventLevel.Fatal + 1,
        _ => fallback,
    };
}
