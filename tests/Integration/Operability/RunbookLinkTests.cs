using System.Text.RegularExpressions;
using Xunit;

using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// Every alert links to a runbook section that exists, the runbooks the issue asks for exist, and
/// the links between runbooks resolve (file and heading), so a page at 3 am never ends in a 404.
/// </summary>
public sealed partial class RunbookLinkTests
{
    [Fact]
    public void Every_alert_links_to_an_existing_runbook_heading()
    {
        foreach (var alert in AlertRules.All())
        {
            Assert.False(string.IsNullOrWhiteSpace(alert.RunbookUrl), $"{alert.Name} has no runbook_url");
            Assert.StartsWith("docs/runbooks/", alert.RunbookUrl, StringComparison.Ordinal);
            AssertResolves(RepoPaths.Root, alert.RunbookUrl!, $"{alert.Name}'s runbook_url");
        }
    }

    [Theory]
    [InlineData("incident-triage.md")]
    [InlineData("rollback.md")]
    [InlineData("backup-and-restore.md")]
    [InlineData("projection-rebuild.md")]
    [InlineData("scale-out-and-in.md")]
    [InlineData("signing-key-rotation.md")]
    [InlineData("redis-outage.md")]
    [InlineData("alerts.md")]
    public void The_runbook_exists_and_the_index_lists_it(string file)
    {
        Assert.True(File.Exists(RepoPaths.Of("docs", "runbooks", file)), file);
        Assert.Contains($"]({file})", File.ReadAllText(RepoPaths.Of("docs", "runbooks", "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Links_inside_the_runbooks_resolve()
    {
        var dir = RepoPaths.Of("docs", "runbooks");
        int checkedLinks = 0;
        foreach (var file in Directory.GetFiles(dir, "*.md"))
        {
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                var target = m.Groups[1].Value;
                if (target.StartsWith("http", StringComparison.Ordinal))
                {
                    continue;
                }
                var resolved = target.StartsWith('#') ? Path.GetFileName(file) + target : target;
                AssertResolves(dir, resolved, $"{Path.GetFileName(file)} → {target}");
                checkedLinks++;
            }
        }
        Assert.True(checkedLinks > 20, $"only {checkedLinks} links found");
    }

    private static void AssertResolves(string baseDir, string link, string what)
    {
        var parts = link.Split('#', 2);
        var path = Path.GetFullPath(Path.Combine(baseDir, parts[0]));
        Assert.True(File.Exists(path), $"{what}: {path} does not exist");
        if (parts.Length == 2)
        {
            var anchors = File.ReadLines(path).Where(l => l.StartsWith('#')).Select(Anchor).ToHashSet();
            Assert.True(anchors.Contains(parts[1]), $"{what}: no heading #{parts[1]} in {parts[0]}");
        }
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Anchor(string heading) =>
        AnchorDrop().Replace(heading.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex AnchorDrop();
}
