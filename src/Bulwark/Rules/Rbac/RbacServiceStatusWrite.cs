using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacServiceStatusWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-service-status-write",
        Title = "Role can write Service status",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Update or patch on services/status sets a load-balancer IP that can intercept traffic (CVE-2020-8554).",
        Remediation = "Grant services/status writes only to the cloud controller or load-balancer controller.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "service-status-write";
}
