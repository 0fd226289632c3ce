using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacBind : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-bind",
        Title = "Role grants bind on roles",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "The bind verb on roles or clusterroles lets a subject create bindings to roles it does not hold, such as cluster-admin; the binding's namespace bounds it, so severity is critical cluster-wide or in a privileged namespace (sensitiveNamespaces) and high elsewhere. Rules limited by resourceNames are still reported, as the names restrict which roles, not the power.",
        Remediation = "Remove bind from roles held by workloads; where delegation is needed, restrict it with resourceNames to the roles that may be delegated.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "bind";
}
