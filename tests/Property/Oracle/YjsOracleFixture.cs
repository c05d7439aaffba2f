using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>One oracle process for every test class in the <c>yjs</c> collection.</summary>
public sealed class YjsOracleFixture : IDisposable
{
    private readonly Lazy<YjsOracle> _oracle;

    public YjsOracleFixture(IMessageSink sink)
    {
        _oracle = new Lazy<YjsOracle>(
            () => YjsOracle.Start(line =>
            {
                sink.OnMessage(new DiagnosticMessage(line));
                Console.Error.WriteLine(line);
            }),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Started on first use, so test classes that never touch the oracle do not need Node.</summary>
    public YjsOracle Oracle => _oracle.Value;

    public void Dispose()
    {
        if (_oracle.IsValueCreated)
        {
            _oracle.Value.Dispose();
        }
    }
}
