namespace CrdtCollab.Host.Endpoints;

/// <summary>What a document id may be: 1–128 characters of <c>[A-Za-z0-9._-]</c>.</summary>
internal static class DocumentId
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }
}
