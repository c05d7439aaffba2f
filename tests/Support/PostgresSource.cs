namespace CrdtCollab.Tests.Support;

/// <summary>Where the tests' PostgreSQL comes from, in the fixture's order of preference.</summary>
public enum PostgresSource
{
    /// <summary>A <c>postgres:15</c> container started by Testcontainers (a Docker engine answered).</summary>
    Container,

    /// <summary>A throwaway server from <see cref="LocalPostgresServer.BinDir"/> (this project's CI machines).</summary>
    LocalBinaries,

    /// <summary>An existing server named by the <c>CRDTCOLLAB_PG</c> connection string.</summary>
    Environment,
}
