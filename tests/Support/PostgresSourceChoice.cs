namespace CrdtCollab.Tests.Support;

/// <summary>
/// Picks the tests' PostgreSQL: a Docker engine first (a clean, versioned server per run), then the
/// local binaries, then <c>CRDTCOLLAB_PG</c>. <c>CRDTCOLLAB_PG_SOURCE</c>
/// (<c>container</c>, <c>local</c> or <c>env</c>) forces one, for example to run against the
/// compose file's PostgreSQL on a machine that also has Docker.
/// </summary>
public static class PostgresSourceChoice
{
    public const string ConnectionStringVariable = "CRDTCOLLAB_PG";
    public const string ForceVariable = "CRDTCOLLAB_PG_SOURCE";

    /// <summary>The source a <c>CRDTCOLLAB_PG_SOURCE</c> value names.</summary>
    /// <exception cref="InvalidOperationException">Not one of container, local, env.</exception>
    public static PostgresSource Parse(string forced) => forced.Trim().ToUpperInvariant() switch
    {
        "CONTAINER" or "DOCKER" or "TESTCONTAINERS" => PostgresSource.Container,
        "LOCAL" => PostgresSource.LocalBinaries,
        "ENV" or "ENVIRONMENT" => PostgresSource.Environment,
        _ => throw new InvalidOperationException($"{ForceVariable}={forced}: expected container, local or env"),
    };

    /// <summary>The choice for what this machine offers.</summary>
    /// <exception cref="InvalidOperationException">Nothing is available, or the forced source is unknown or unavailable.</exception>
    public static PostgresSource Choose(bool dockerAnswers, bool localBinaries, string? connectionString, string? forced)
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(connectionString);
        if (!string.IsNullOrWhiteSpace(forced))
        {
            var source = Parse(forced);
            bool available = source switch
            {
                PostgresSource.Container => dockerAnswers,
                PostgresSource.LocalBinaries => localBinaries,
                _ => hasConnectionString,
            };
            return available ? source : throw new InvalidOperationException($"{ForceVariable}={forced}, but that source is not available here");
        }
        if (dockerAnswers)
        {
            return PostgresSource.Container;
        }
        if (localBinaries)
        {
            return PostgresSource.LocalBinaries;
        }
        if (hasConnectionString)
        {
            return PostgresSource.Environment;
        }
        throw new InvalidOperationException(
            $"no PostgreSQL for the tests: no Docker engine answered, {LocalPostgresServer.BinDir} has no initdb, and {ConnectionStringVariable} is not set");
    }
}
