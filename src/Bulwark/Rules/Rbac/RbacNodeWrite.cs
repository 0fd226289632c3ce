using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacNodeWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-node-write",
        Title = "Role can modify nodes",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Update, patch or delete on nodes lets a subject relabel, taint or remove nodes to attract or evict pods (high); update or patch on nodes/status alone fakes node conditions (low). Nodes are cluster-scoped, so only cluster-wide grants count. " +
            "The other half of stealing pods is also reported: delete on pods or create on pods/eviction cluster-wide or in a privileged namespace (sensitiveNamespaces), high when the same role also updates or patches nodes cluster-wide, medium alone (the node write may come from another binding). Rules limited by resourceNames reach only the named pods and are not reported.",
        Remediation = "Leave node writes to the node lifecycle controllers and the kubelets.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "node-write";
}
