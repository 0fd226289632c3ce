using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Policy;

/// <summary>Why some of a rule's requests are not logged as it needs them.</summary>
public enum StarveReason
{
    /// <summary>No policy rule matches: the request is not logged.</summary>
    NotMatched,

    /// <summary>The first matching rule has level None.</summary>
    Dropped,

    /// <summary>The first matching rule logs below the level the detection rule needs.</summary>
    LevelTooLow,

    /// <summary>The level is enough but every stage the detection rule judges is omitted.</summary>
    StageOmitted,
}

/// <summary>A group of a rule's requests starved for the same reason by the same policy rule.</summary>
public sealed record StarvedRequests
{
    public required StarveReason Reason { get; init; }

    /// <summary>The policy rule that decided (null when none matched).</summary>
    public AuditPolicyRule? PolicyRule { get; init; }

    public AuditLevel LoggedAt { get; init; }

    /// <summary>For <see cref="StarveReason.StageOmitted"/>: the stages the rule needs that are omitted.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>"pods", "pods/exec" or a non-resource path.</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    public required IReadOnlyList<string> Verbs { get; init; }

    public required IReadOnlyList<string> Users { get; init; }

    /// <summary>Namespaces of the starved requests ("" for cluster-scoped ones).</summary>
    public required IReadOnlyList<string> Namespaces { get; init; }

    public int Count { get; init; }

    public required string Message { get; init; }
}

/// <summary>What the policy does for one enabled detection rule.</summary>
public sealed record RuleCheck(CompiledRule Rule, RuleProbeSet Probes, IReadOnlyList<StarvedRequests> Starved)
{
    public bool IsStarved => Starved.Count > 0;

    public int StarvedCount => Starved.Sum(s => s.Count);
}

/// <summary>The outcome of checking a policy against a rule pack.</summary>
public sealed record PolicyCheckReport(AuditPolicy Policy, IReadOnlyList<RuleCheck> Rules, IReadOnlyList<string> Warnings)
{
    public IEnumerable<RuleCheck> Starved => Rules.Where(r => r.IsStarved);
}

/// <summary>
/// Checks an audit policy against the enabled detection rules: each rule's probes (<see cref="RuleProbeBuilder"/>)
/// are evaluated as the API server would, and every probe the policy does not log at the rule's level, in a stage the
/// rule judges, starves the rule. Also warns when secrets, token reviews or issued tokens would reach the log.
/// </summary>
public static class PolicyChecker
{
    private const int MaxListed = 4;

    public static PolicyCheckReport Check(AuditPolicy policy, CompiledPack pack, AuditTuning? tuning = null)
    {
        var evaluator = new PolicyEvaluator(policy);
        var builder = new RuleProbeBuilder(new ProbeConditionEvaluator(pack, tuning));
        var results = new List<RuleCheck>();
        foreach (var rule in pack.EnabledRules)
        {
            var probes = builder.Build(rule);
            results.Add(new RuleCheck(rule, probes, Judge(rule, probes, evaluator, policy)));
        }

        return new PolicyCheckReport(policy, results, SensitiveWarnings(evaluator));
    }

    private static List<StarvedRequests> Judge(CompiledRule rule, RuleProbeSet set, PolicyEvaluator evaluator, AuditPolicy policy)
    {
        var groups = new Dictionary<(StarveReason, int, string), List<RuleProbe>>();
        var decisions = new Dictionary<(StarveReason, int, string), PolicyDecision>();
        foreach (var probe in set.Probes)
        {
            var decision = evaluator.Evaluate(probe.Request);
            StarveReason reason;
            var stages = string.Empty;
            if (decision.Rule is null)
            {
                reason = StarveReason.NotMatched;
            }
            else if (decision.Level == AuditLevel.None)
            {
                reason = StarveReason.Dropped;
            }
            else if (decision.Level < rule.Level)
            {
                reason = StarveReason.LevelTooLow;
            }
            else if (probe.Stages.All(decision.OmitStages.Contains))
            {
                reason = StarveReason.StageOmitted;
                stages = string.Join(",", probe.Stages);
            }
            else
            {
                continue;
            }

            var key = (reason, decision.Rule?.Number ?? 0, stages);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                decisions[key] = decision;
            }

            list.Add(probe);
        }

        var result = new List<StarvedRequests>();
        foreach (var (key, probes) in groups.OrderBy(g => g.Key.Item2).ThenBy(g => g.Key.Item1))
        {
            var (reason, _, stageKey) = key;
            var decision = decisions[key];
            var targets = Distinct(probes.Select(p => p.Request.Target));
            var sameTargets = set.Probes.Where(p => targets.Contains(p.Request.Target)).ToList();
            var allUsers = sameTargets.Select(p => p.Request.User).Distinct(StringComparer.Ordinal).Count();
            var allNamespaces = sameTargets.Where(p => p.Request.IsResourceRequest).Select(p => p.Request.Namespace).Distinct(StringComparer.Ordinal).Count();
            var verbs = Distinct(probes.Select(p => p.Request.Verb));
            var users = Distinct(probes.Select(p => p.Request.User));
            var namespaces = Distinct(probes.Where(p => p.Request.IsResourceRequest).Select(p => p.Request.Namespace));
            var stages = stageKey.Length > 0 ? stageKey.Split(',') : [];
            var what = $"{string.Join(", ", targets)} {string.Join(", ", verbs)}";
            var scope = string.Empty;
            if (users.Count < allUsers)
            {
                scope += " by " + List(users);
            }

            if (namespaces.Count > 0 && namespaces.Count < allNamespaces)
            {
                scope += namespaces.All(n => n.Length == 0) ? " (cluster-scoped)" : " in " + List(namespaces.Select(n => n.Length == 0 ? "(cluster scope)" : n).ToList());
            }

            var id = rule.Id;
            var message = reason switch
            {
                StarveReason.NotMatched => $"{id} needs {what}{scope} at {rule.Level}, but no rule matches them: not logged",
                StarveReason.Dropped => $"{id} needs {what}{scope} at {rule.Level}, but {decision.Rule!.Describe()} drops them (level None)",
                StarveReason.LevelTooLow => $"{id} needs {what}{scope} at {rule.Level}, but {decision.Rule!.Describe()} logs them at {decision.Level}",
                _ => $"{id} needs stage {string.Join(", ", stages)} of {what}{scope}, but {OmittedBy(stages, decision.Rule!, policy)}",
            };
            result.Add(new StarvedRequests
            {
                Reason = reason,
                PolicyRule = decision.Rule,
                LoggedAt = decision.Level,
                Stages = stages,
                Targets = targets,
                Verbs = verbs,
                Users = users,
                Namespaces = namespaces,
                Count = probes.Count,
                Message = message,
            });
        }

        return result;
    }

    private static string OmittedBy(IReadOnlyList<string> stages, AuditPolicyRule rule, AuditPolicy policy)
    {
        var global = stages.Where(policy.OmitStages.Contains).ToList();
        var byRule = stages.Where(s => !policy.OmitStages.Contains(s)).ToList();
        var where = new List<string>();
        if (global.Count > 0)
        {
            where.Add(policy.OmitStagesLine > 0 ? $"omitted globally (line {policy.OmitStagesLine})" : "omitted globally");
        }

        if (byRule.Count > 0)
        {
            where.Add(rule.OmitStagesLine > 0 ? $"omitted by rule {rule.Number} (line {rule.OmitStagesLine})" : $"omitted by {rule.Describe()}");
        }

        var what = stages.Count == 1 ? "it is" : "they are";
        return $"{what} {string.Join(" and ", where)}";
    }

    private static List<string> Distinct(IEnumerable<string> values) => values.Distinct(StringComparer.Ordinal).ToList();

    private static string List(IReadOnlyList<string> values) =>
        values.Count <= MaxListed ? string.Join(", ", values) : $"{string.Join(", ", values.Take(MaxListed))} and {values.Count - MaxListed} more";

    /// <summary>Secrets, token reviews and issued tokens logged with bodies put credentials in the log.</summary>
    private static List<string> SensitiveWarnings(PolicyEvaluator evaluator)
    {
        var warnings = new List<string>();
        var user = ApiCatalog.Identities[0];

        void Warn(string what, string group, string resource, string subresource, IEnumerable<string> verbs, AuditLevel max, string consequence)
        {
            foreach (var verb in verbs)
            {
                var collection = subresource.Length == 0 && ApiCatalog.IsCollectionVerb(verb);
                var request = new RequestAttributes
                {
                    User = user.User,
                    Groups = user.Groups,
                    Verb = verb,
                    ApiGroup = group,
                    Resource = resource,
                    Subresource = subresource,
                    Namespace = resource == "tokenreviews" ? string.Empty : "shop",
                    Name = collection ? string.Empty : ApiCatalog.ProbeName,
                };
                var decision = evaluator.Evaluate(request);
                if (decision.Level > max)
                {
                    warnings.Add($"{decision.Rule!.Describe()} logs {what} {verb} at {decision.Level}: {consequence}");
                    return;
                }
            }
        }

        Warn("secrets", string.Empty, "secrets", string.Empty, ["get", "list", "create", "update", "patch"], AuditLevel.Metadata, "secret values reach the audit log (log secrets at Metadata)");
        Warn("tokenreviews", "authentication.k8s.io", "tokenreviews", string.Empty, ["create"], AuditLevel.Metadata, "the bearer tokens under review reach the audit log (log tokenreviews at Metadata)");
        Warn("serviceaccounts/token", string.Empty, "serviceaccounts", "token", ["create"], AuditLevel.Request, "the issued service-account tokens reach the audit log (log serviceaccounts/token at Request or Metadata)");
        return warnings;
    }
}
