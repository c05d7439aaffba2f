namespace CrdtCollab.Progress.Domain;

/// <summary>A test package was defined or renamed.</summary>
public sealed record TestPackageDefined(string ProjectId, string TestPackageId, string Name, string? SystemId);
