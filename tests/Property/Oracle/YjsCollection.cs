using Xunit;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>Test classes that share the one oracle process.</summary>
[CollectionDefinition(Name)]
public sealed class YjsCollection : ICollectionFixture<YjsOracleFixture>
{
    public const string Name = "yjs";
}
