using PdfSharp.Fonts;
using PdfSharp.WPFonts;

namespace CrdtCollab.Progress.Reports.Pdf;

/// <summary>
/// PDFsharp's core build finds no system fonts on Linux, so the report uses the Segoe WP faces
/// that ship inside the PDFsharp package: the PDF looks the same on every machine and needs no
/// font package installed. Every family name resolves to them.
/// </summary>
internal sealed class ReportFonts : IFontResolver
{
    public const string Family = "Report";

    private const string Regular = "SegoeWP";
    private const string Bold = "SegoeWP-Bold";

    private static readonly object Gate = new();

    /// <summary>Installs the resolver once per process (PDFsharp's font settings are global).</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not ReportFonts)
            {
                GlobalFontSettings.FontResolver = new ReportFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Italic is simulated; the report has no italic text that needs a real face.
        new(bold ? Bold : Regular, italic ? PdfSharp.Drawing.XStyleSimulations.ItalicSimulation : PdfSharp.Drawing.XStyleSimulations.None);

    public byte[]? GetFont(string faceName) => faceName == Bold ? FontDataHelper.SegoeWPBold : FontDataHelper.SegoeWP;
}
