using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>The alerts of deploy/prometheus/alerts.yml as (name, expression, runbook_url).</summary>
internal static class AlertRules
{
    public sealed record Alert(string Name, string Expr, string? RunbookUrl);

    public static IReadOnlyList<Alert> All() =>
        Yaml.Load("deploy", "prometheus", "alerts.yml").List("groups")
            .SelectMany(g => g.List("rules"))
            .Where(r => r.Has("alert"))
            .Select(r => new Alert(r.Str("alert")!, r.Str("expr")!, r.Has("annotations") ? r.Map("annotations").Str("runbook_url") : null))
            .ToList();
}
