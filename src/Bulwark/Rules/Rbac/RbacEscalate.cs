using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacEscalate : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-escalate",
        Title = "Role grants escalate on roles",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "The escalate verb on roles or clusterroles (rbac.authorization.k8s.io, by name, `*` or `*` verbs) lets a subject write roles with permissions it does not hold, bypassing RBAC's escalation prevention. Rules limited by resourceNames are still reported: the names restrict which roles can be rewritten, not the power. clusterroles count only when held cluster-wide, as a RoleBinding cannot grant a cluster-scoped resource.",
        Remediation = "Remove escalate from roles held by workloads and people who are not cluster administrators.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "escalate";
}
