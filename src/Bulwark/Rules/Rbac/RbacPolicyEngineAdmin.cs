using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacPolicyEngineAdmin : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-policy-engine-admin",
        Title = "Role can write policy-engine policies",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Writing Gatekeeper constraint templates, constraints or configs, or Kyverno policies, cluster policies or policy exceptions, can switch the cluster's guardrails off.",
        Remediation = "Grant policy writes only to the security team, through GitOps.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "policy-engine-admin";
}
