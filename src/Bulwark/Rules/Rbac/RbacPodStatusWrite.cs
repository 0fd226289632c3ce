using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacPodStatusWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-pod-status-write",
        Title = "Role can write Pod status",
        Severity = Severity.Low,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Update or patch on pods/status can fake labels or readiness and pull Service traffic to a pod.",
        Remediation = "Leave pods/status to the kubelets.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "pod-status-write";
}
