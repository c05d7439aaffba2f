namespace CrdtCollab.Progress.Import;

/// <summary>How far a pass over the file has got: rows read and bytes consumed (of <see cref="TotalBytes"/>).</summary>
public readonly record struct ImportReadProgress(long Rows, long Bytes, long TotalBytes);
