using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacWildcard : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-wildcard",
        Title = "Role grants a wildcard",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A `*` in verbs, resources or apiGroups grants everything that exists and everything added later (new verbs, subresources, CRDs), so the grant cannot be reviewed. " +
            "Each rule is reported once, at its first `*` (verbs, then apiGroups, then resources), naming every field that has one; partial forms such as `*/scale` are not reported here. " +
            "Severity is critical when the rule has `*` verbs and is held cluster-wide (bound by a ClusterRoleBinding, or an unbound ClusterRole), high otherwise. " +
            "A rule with `*` in all three fields held cluster-wide is reported as rbac-cluster-admin-equivalent instead. " +
            "ClusterRoles with an aggregationRule are skipped (their rules are computed and reported where they are written), as is the built-in cluster-admin (its bindings are rbac-cluster-admin-binding).",
        Remediation = "List the exact verbs, resources and API groups the subject needs instead of `*`.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "wildcard";
}
