using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacClusterAdminEquivalent : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-cluster-admin-equivalent",
        Title = "Role grants everything cluster-wide",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A rule with `*` verbs on `*` resources of `*` API groups, held cluster-wide, is cluster-admin under another name: every read, write, escalation and impersonation. A ClusterRole counts as cluster-wide when a ClusterRoleBinding binds it or when nothing binds it yet (the worst case once bound); bound only by RoleBindings it is reported as rbac-wildcard. A rule limited by resourceNames is not equivalent. The built-in cluster-admin itself is not reported (its bindings are: rbac-cluster-admin-binding).",
        Remediation = "Replace the rule with the verbs, resources and API groups the subject needs, or bind the built-in cluster-admin to named administrators only.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "cluster-admin-equivalent";
}
