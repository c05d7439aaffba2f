namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>The yjs oracle failed: a request was rejected, timed out, or the process died.</summary>
public sealed class OracleException : Exception
{
    public OracleException(string message)
        : base(message)
    {
    }

    public OracleException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public OracleException()
    {
    }
}
