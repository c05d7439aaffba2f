using Xunit;

namespace CrdtCollab.Integration.Tests;

/// <summary>The test classes sharing one <see cref="PostgresFixture"/> (tests/Support) for the run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
