using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacNamespaceWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-namespace-write",
        Title = "Role can modify namespaces",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Update or patch on namespaces lets a subject remove Pod Security Admission labels; a RoleBinding grants it on its own Namespace object, so namespaced grants count too.",
        Remediation = "Manage namespaces and their labels through GitOps; do not grant namespace writes to workloads.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "namespace-write";
}
