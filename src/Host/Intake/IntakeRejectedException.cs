namespace CrdtCollab.Host.Intake;

/// <summary>A message the server refused; nothing from it was applied, stored or broadcast.</summary>
internal sealed class IntakeRejectedException(RejectionReason reason, string message) : Exception(message)
{
    public RejectionReason Reason { get; } = reason;

    /// <summary>The stable code sent to clients.</summary>
    public string Code => CodeOf(Reason);

    /// <summary>What a client is told: the code, then the detail.</summary>
    public string ClientMessage => $"{Code}: {Message}";

    public static string CodeOf(RejectionReason reason) => reason switch
    {
        RejectionReason.InvalidUpdate => "invalid-update",
        RejectionReason.UpdateTooLarge => "too-large",
        RejectionReason.DocumentTooLarge => "document-too-large",
        RejectionReason.NotSaved => "not-saved",
        RejectionReason.ServerBusy => "server-busy",
        RejectionReason.InvalidDocumentId => "invalid-document-id",
        RejectionReason.NotJoined => "not-joined",
        RejectionReason.Forbidden => "forbidden",
        RejectionReason.RateLimited => "rate-limited",
        RejectionReason.TooManyConnections => "too-many-connections",
        RejectionReason.Unauthorized => "unauthorized",
        _ => "error",
    };
}
