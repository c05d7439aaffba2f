using System.Diagnostics;
using CrdtCollab.Tests.Support;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// Debian's poppler-utils, the independent reader the PDF tests check our reports with:
/// <c>pdftotext</c> (the text a reader gets), <c>pdfinfo</c> (page count), <c>pdftoppm</c>
/// (renders every page, so a malformed page fails).
/// </summary>
internal static class Poppler
{
    private static readonly Lazy<Task> Install = new(() => Apt.EnsureAsync("/usr/bin/pdftotext", "poppler-utils"));

    /// <summary>The PDF's text, pages in order, layout kept so table rows stay on one line.</summary>
    public static async Task<string> TextAsync(string pdfPath) => await RunAsync("pdftotext", "-layout", pdfPath, "-");

    /// <summary>The page count pdfinfo reads from the file.</summary>
    public static async Task<int> PageCountAsync(string pdfPath)
    {
        var info = await RunAsync("pdfinfo", pdfPath);
        var line = info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Renders every page to PNG files under <paramref name="outputPrefix"/> and returns them.</summary>
    public static async Task<string[]> RenderAsync(string pdfPath, string outputPrefix)
    {
        await RunAsync("pdftoppm", "-r", "40", "-png", pdfPath, outputPrefix);
        var dir = Path.GetDirectoryName(outputPrefix)!;
        return Directory.GetFiles(dir, Path.GetFileName(outputPrefix) + "*.png").Order().ToArray();
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        await Install.Value;
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var error = await stderr;
        // Poppler prints "Syntax Error" / "Syntax Warning" for damaged files but may still exit 0.
        if (process.ExitCode != 0 || error.Contains("Error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}");
        }
        return await stdout;
    }
}
