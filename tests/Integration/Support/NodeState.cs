namespace CrdtCollab.Integration.Tests.Support;

/// <summary>A Node client's document as it reported it: full V1 state, state vector and text.</summary>
public sealed record NodeState(byte[] State, byte[] StateVector, string Text);
