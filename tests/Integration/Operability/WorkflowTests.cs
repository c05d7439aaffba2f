using System.Text.RegularExpressions;
using CrdtCollab.Integration.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// The GitHub Actions workflows cannot run here, so they are held to what can be checked: valid
/// YAML with jobs and steps, only well-known actions pinned to a version, `.ci/run` as the
/// source of truth (a job runs it and every workflow says so), the jobs the issue asks for, and
/// every script a step runs exists and parses.
/// </summary>
public sealed partial class WorkflowTests
{
    private static readonly string[] TrustedOwners = ["actions", "docker", "github", "aquasecurity"];

    public static TheoryData<string> Workflows() => [.. Directory.GetFiles(RepoPaths.Of(".github", "workflows"), "*.yml").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Only_well_known_pinned_actions_and_ci_run_stays_the_source_of_truth(string file)
    {
        var workflow = Yaml.Load(".github", "workflows", file);
        var jobs = workflow.Map("jobs");
        Assert.NotEmpty(jobs);
        foreach (var (name, job) in jobs.Select(kv => (kv.Key.ToString()!, kv.Value)))
        {
            Assert.True(job.Has("runs-on"), $"{file}: job {name} has no runs-on");
            Assert.True(job.Has("timeout-minutes"), $"{file}: job {name} has no timeout");
            foreach (var step in job.List("steps"))
            {
                var uses = step.Str("uses");
                if (uses is null)
                {
                    Assert.False(string.IsNullOrWhiteSpace(step.Str("run")), $"{file}: a step of {name} neither uses an action nor runs a command");
                    continue;
                }
                var match = ActionRef().Match(uses);
                Assert.True(match.Success, $"{file}: {uses} is not owner/name@version");
                Assert.Contains(match.Groups["owner"].Value, TrustedOwners);
            }
        }
        Assert.Contains(".ci/run", File.ReadAllText(RepoPaths.Of(".github", "workflows", file)), StringComparison.Ordinal);
        Assert.Contains("source of truth", File.ReadAllText(RepoPaths.Of(".github", "workflows", file)), StringComparison.Ordinal);
    }

    [Fact]
    public void Ci_has_the_jobs_the_issue_names()
    {
        var jobs = Yaml.Load(".github", "workflows", "ci.yml").Map("jobs");
        string Runs(string job) => string.Join("\n", jobs.Map(job).List("steps").Select(s => s.Str("run") ?? s.Str("uses")));
        Assert.Contains("bash .ci/run", Runs("ci"), StringComparison.Ordinal);
        Assert.Contains("dotnet build", Runs("build"), StringComparison.Ordinal);
        Assert.True(jobs.Map("test").Map("services").ContainsKey("postgres"));
        Assert.Contains("chromium", Runs("e2e"), StringComparison.Ordinal);
        Assert.Contains("benchmarks/gate.sh", Runs("benchmark-gate"), StringComparison.Ordinal);
        Assert.Contains("aquasecurity/trivy-action", Runs("image"), StringComparison.Ordinal);
        Assert.Contains("dotnet nuget push", string.Join("\n", Yaml.Load(".github", "workflows", "release.yml").Map("jobs").Map("packages").List("steps").Select(s => s.Str("run"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_script_a_workflow_runs_exists_and_parses()
    {
        var scripts = Directory.GetFiles(RepoPaths.Of(".github", "workflows"), "*.yml")
            .SelectMany(f => ScriptRef().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.Contains(".github/scripts/postgresql-15.sh", scripts);
        foreach (var script in scripts)
        {
            Assert.True(File.Exists(RepoPaths.Of(script)), $"{script} does not exist");
            var syntax = await Tool.RunAsync("bash", ["-n", RepoPaths.Of(script)]);
            Assert.True(syntax.ExitCode == 0, $"{script}: {syntax}");
        }
    }

    [GeneratedRegex(@"^(?<owner>[a-z0-9-]+)/[a-z0-9-]+(/[a-z0-9-]+)*@v?\d+(\.\d+){0,2}$")]
    private static partial Regex ActionRef();

    [GeneratedRegex(@"bash ((?:\.ci|\.github/scripts|benchmarks|deploy/scripts)/[\w./-]+)")]
    private static partial Regex ScriptRef();
}
