using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacUnusedRole : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-unused-role",
        Title = "Role is not bound",
        Severity = Severity.Info,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A Role or ClusterRole that no binding references and that is not aggregated into a bound ClusterRole grants nothing, but starts granting when someone binds it; unused roles accumulate permissions nobody reviews. Kubernetes' default roles and bootstrap roles are not reported.",
        Remediation = "Delete the role, or bind it to the subject it was written for.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
        EnabledByDefault = false,
    };

    protected override string RiskId => "unused-role";
}
