namespace CrdtCollab.Progress.Projections;

/// <summary>A test package as the read model keeps it.</summary>
public sealed record TestPackageInfo(string Name, string? SystemId);
