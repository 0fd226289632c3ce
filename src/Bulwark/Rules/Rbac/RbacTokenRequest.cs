using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacTokenRequest : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-token-request",
        Title = "Role can request service-account tokens",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create on serviceaccounts/token mints a token for any service account in scope: critical cluster-wide or in a privileged namespace (sensitiveNamespaces), medium elsewhere. `*/token` and `*` resources count; `serviceaccounts` alone does not grant the subresource.",
        Remediation = "Grant serviceaccounts/token only where a component must mint tokens, restricted with resourceNames to its own service account.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "token-request";
}
