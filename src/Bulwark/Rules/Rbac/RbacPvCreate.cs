using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacPvCreate : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-pv-create",
        Title = "Role can create persistent volumes",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create on persistentvolumes lets a subject define a hostPath volume and mount a node's filesystem. PersistentVolumes are cluster-scoped, so only cluster-wide grants count.",
        Remediation = "Provision volumes through StorageClasses; do not grant persistentvolumes create to workloads.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "pv-create";
}
