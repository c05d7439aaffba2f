using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>
/// Debian's chromium, which the browser tests drive. Playwright's own browser download cannot
/// reach its CDN from these machines, so a missing chromium is installed with apt, once per run.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>No sandbox because tests run as root; the rest keeps chromium from calling home or
    /// spending the two cores on GPU emulation and background services.</summary>
    public static readonly IReadOnlyList<string> Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private static readonly Lazy<Task> _install = new(() => Apt.EnsureAsync("chromium", ExecutablePath));

    public static Task EnsureInstalledAsync() => _install.Value;
}
