namespace CrdtCollab.Progress.Domain;

/// <summary>A construction project was created.</summary>
public sealed record ProjectCreated(string ProjectId, string Name, DateTimeOffset At, string? User);
