using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacRbacWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-rbac-write",
        Title = "Role can write RBAC objects",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create, update or patch on roles, clusterroles, rolebindings or clusterrolebindings is bounded by escalation prevention, but combined with bind, escalate or broad holdings it is escalation. clusterroles and clusterrolebindings count only cluster-wide.",
        Remediation = "Manage RBAC through GitOps with a dedicated controller instead of granting RBAC writes to workloads.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "rbac-write";
}
