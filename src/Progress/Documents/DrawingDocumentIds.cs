using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Documents;

/// <summary>
/// The document id convention of drawing CRDT documents: <c>drawing.{projectId}.{drawingId}</c>.
/// The project id has no dot, so the first dot after the prefix separates the two parts and a
/// drawing id may itself contain dots.
/// </summary>
public static class DrawingDocumentIds
{
    /// <summary>The prefix every drawing document id starts with.</summary>
    public const string Prefix = "drawing.";

    /// <summary>The document id of a drawing; both ids must be valid (<see cref="ProgressIds"/>).</summary>
    public static string For(string projectId, string drawingId)
    {
        if (!ProgressIds.IsValidProjectId(projectId))
        {
            throw new ArgumentException($"'{projectId}' is not a valid project id.", nameof(projectId));
        }
        if (!ProgressIds.IsValidItemId(drawingId))
        {
            throw new ArgumentException($"'{drawingId}' is not a valid drawing id.", nameof(drawingId));
        }
        return Prefix + projectId + "." + drawingId;
    }

    /// <summary>Splits a drawing document id; false for any other document id.</summary>
    public static bool TryParse(string? documentId, out string projectId, out string drawingId)
    {
        projectId = drawingId = "";
        if (documentId is null || !documentId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = documentId.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }
        var project = rest[..dot].ToString();
        var drawing = rest[(dot + 1)..].ToString();
        if (!ProgressIds.IsValidProjectId(project) || !ProgressIds.IsValidItemId(drawing))
        {
            return false;
        }
        projectId = project;
        drawingId = drawing;
        return true;
    }
}
