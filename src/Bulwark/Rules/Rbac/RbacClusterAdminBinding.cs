using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacClusterAdminBinding : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-cluster-admin-binding",
        Title = "Workload bound to cluster-admin, admin or edit",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Binding the ClusterRole cluster-admin (critical), admin or edit (high) to a ServiceAccount, or to a User named system:serviceaccount:<namespace>:<name>, gives every pod running as it that power. Bindings to people are the intended use and are not reported; broad groups are rbac-broad-group-binding. ServiceAccounts of the systemNamespaces parameter are exempt. Only roleRef kind ClusterRole counts.",
        Remediation = "Give the workload a role with only the permissions it needs.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "cluster-admin-binding";
}
