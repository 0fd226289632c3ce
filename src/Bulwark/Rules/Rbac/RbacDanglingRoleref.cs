using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacDanglingRoleref : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-dangling-roleref",
        Title = "Binding references a missing role",
        Severity = Severity.Low,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A binding whose role does not exist grants nothing now, and silently starts granting when a role of that name is created. A RoleBinding's Role is looked up in its own namespace; a ClusterRoleBinding referencing a Role never resolves. Kubernetes' default ClusterRoles count as existing.",
        Remediation = "Delete the binding or create the role it is meant to reference.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "dangling-roleref";
}
