using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacWebhookWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-webhook-write",
        Title = "Role can write admission webhooks or policies",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create, update or patch on mutating webhook configurations or mutating admission policies (critical: the webhook reads and rewrites every admitted object, secrets and pod specs included) or on their validating counterparts (high: they see every object and can switch guardrails off). These are cluster-scoped, so only cluster-wide grants count.",
        Remediation = "Grant admission configuration writes only to the cluster's platform administrators.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "webhook-write";
}
