using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacNodesProxy : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-nodes-proxy",
        Title = "Role grants nodes/proxy",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Any verb on nodes/proxy (get is enough through a websocket) reaches the kubelet API, which runs commands in any pod of the node outside admission and audit. Nodes are cluster-scoped, so only cluster-wide grants count.",
        Remediation = "Remove nodes/proxy; monitoring agents need nodes/metrics or nodes/stats instead.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "nodes-proxy";
}
