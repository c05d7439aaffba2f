using System.ComponentModel.DataAnnotations;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// Bounds on an import file, bound from <c>Progress:Import</c>. Every one is checked while the
/// file streams, so a hostile file is refused before it costs more than these.
/// </summary>
public sealed class ImportLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Progress:Import";

    /// <summary>
    /// 64 MiB: a 100,000-row component file is about 8 MiB, so this leaves room for long
    /// descriptions while keeping an upload's temporary file small.
    /// </summary>
    [Range(1024, 1L << 32)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Data rows per file; a project's component list is well under this.</summary>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 250_000;

    /// <summary>Characters in one field: far above any real description, far below "the whole file in one cell".</summary>
    [Range(16, 1_000_000)]
    public int MaxFieldChars { get; set; } = 4096;

    /// <summary>
    /// Rows per transaction when storing. Each chunk's <c>ImportAsync</c> reads the project's
    /// drawings to diff against, so fewer, larger chunks are faster; 20,000 component specs are
    /// still only a few MB.
    /// </summary>
    [Range(100, 1_000_000)]
    public int ChunkRows { get; set; } = 20_000;

    /// <summary>Errors kept in a report; past it the report counts the rest.</summary>
    [Range(1, 100_000)]
    public int MaxReportedErrors { get; set; } = 1000;
}
