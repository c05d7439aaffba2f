namespace CrdtCollab.Progress.Reports.Pdf;

/// <summary>A column of a report table: its title, share of the page width, and whether numbers align right.</summary>
internal sealed record ReportTableColumn(string Title, double Width, bool Right = false);
