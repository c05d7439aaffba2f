namespace CrdtCollab.Property.Tests.Differential;

/// <summary>Marker for "a new, empty shared type of this kind" inside generated values.</summary>
public sealed record NewType(string Kind);
