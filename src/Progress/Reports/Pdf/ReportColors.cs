using PdfSharp.Drawing;

namespace CrdtCollab.Progress.Reports.Pdf;

/// <summary>The report's palette: the demo's blue for progress, red for regressions, greys for structure.</summary>
internal static class ReportColors
{
    public static readonly XColor Accent = XColor.FromArgb(0x25, 0x63, 0xEB);
    public static readonly XColor Negative = XColor.FromArgb(0xDC, 0x26, 0x26);
    public static readonly XColor Text = XColor.FromArgb(0x1F, 0x29, 0x37);
    public static readonly XColor Muted = XColor.FromArgb(0x6B, 0x72, 0x80);
    public static readonly XColor Rule = XColor.FromArgb(0xD1, 0xD5, 0xDB);
    public static readonly XColor Band = XColor.FromArgb(0xF3, 0xF4, 0xF6);
}
