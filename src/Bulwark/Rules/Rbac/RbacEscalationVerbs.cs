using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacEscalationVerbs : Rule
{
    private const string AuthenticationGroup = "authentication.k8s.io";

    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-escalation-verbs",
        Title = "Role grants escalate, bind or impersonate",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "The escalate verb lets a subject write roles with permissions it does not hold, bind lets it bind roles it does not hold, and impersonate lets it act as other users, groups or service accounts: each bypasses RBAC's escalation prevention. " +
            "Matching follows the authorizer: verbs, API groups and resources are compared exactly and case-sensitively, `*` matches everything, and a `resource/subresource` entry grants only that subresource. " +
            "escalate and bind count on roles or clusterroles of rbac.authorization.k8s.io; impersonate on users, groups or serviceaccounts of the core group, or uids or userextras/<key> of authentication.k8s.io (a bare `userextras` entry grants no extra, since impersonation checks userextras/<key>). " +
            "A `*` verb is reported only when the rule's groups and resources reach one of those targets. Rules limited by resourceNames are still reported (the names are in the message): they restrict which roles or identities, not the power. " +
            "ClusterRoles with an aggregationRule (computed rules, reported at their source) and the built-in cluster-admin are skipped.",
        Remediation = "Remove escalate, bind and impersonate from roles held by workloads; where delegation is needed, restrict bind to named roles with resourceNames and grant it only to administrators.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var role in RbacObjects.Roles(context.Inventory))
        {
            if (RbacObjects.IsAggregated(role) || RbacObjects.IsBuiltInClusterAdmin(role))
            {
                continue;
            }

            foreach (var rule in RbacObjects.Rules(role))
            {
                if (rule.Resources.Count == 0)
                {
                    continue; // nonResourceURLs rule
                }

                var rbacTarget = RbacTarget(rule);
                var impersonationTarget = ImpersonationTarget(rule);
                var names = rule.AnyName ? string.Empty : $" (only names {string.Join(", ", rule.ResourceNames.Select(n => n.Value))})";
                foreach (var verb in rule.Verbs)
                {
                    var grants = new List<string>();
                    if ((verb.Value is "escalate" or "*") && rbacTarget is not null)
                    {
                        grants.Add($"escalate on {rbacTarget}");
                    }

                    if ((verb.Value is "bind" or "*") && rbacTarget is not null)
                    {
                        grants.Add($"bind on {rbacTarget}");
                    }

                    if ((verb.Value is "impersonate" or "*") && impersonationTarget is not null)
                    {
                        grants.Add($"impersonate on {impersonationTarget}");
                    }

                    if (grants.Count > 0)
                    {
                        var via = verb.Value == "*" ? "verb `*` grants " : "rule grants ";
                        context.Report(role, verb.Pointer, $"{via}{string.Join(" and ", grants)}{names} in {role.Kind} \"{role.Name}\"");
                    }
                }
            }
        }
    }

    private static string? RbacTarget(PolicyRuleView rule)
    {
        if (!rule.MatchesGroup(RbacObjects.Group))
        {
            return null;
        }

        var targets = new[] { "roles", "clusterroles" }.Where(r => rule.MatchingResource(r) is not null).ToList();
        return targets.Count == 0 ? null : string.Join(" and ", targets);
    }

    private static string? ImpersonationTarget(PolicyRuleView rule)
    {
        var targets = new List<string>();
        if (rule.MatchesGroup(string.Empty))
        {
            targets.AddRange(new[] { "users", "groups", "serviceaccounts" }.Where(r => rule.MatchingResource(r) is not null));
        }

        if (rule.MatchesGroup(AuthenticationGroup))
        {
            if (rule.MatchingResource("uids") is not null)
            {
                targets.Add("uids");
            }

            // userextras/<key>: matched by "*", "userextras/<key>" or "*/<key>" (any key).
            if (rule.Resources.Any(r => r.Value == "*" || (r.Value.StartsWith("userextras/", StringComparison.Ordinal) && r.Value.Length > "userextras/".Length) ||
                (r.Value.StartsWith("*/", StringComparison.Ordinal) && r.Value.Length > 2)))
            {
                targets.Add("userextras");
            }
        }

        return targets.Count == 0 ? null : string.Join(", ", targets);
    }
}
