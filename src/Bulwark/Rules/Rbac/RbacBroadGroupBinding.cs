using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacBroadGroupBinding : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-broad-group-binding",
        Title = "Binding to everyone",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A binding whose subject is system:unauthenticated or the user system:anonymous (critical) or system:authenticated, system:serviceaccounts or system:serviceaccounts:<namespace> (high) gives the role to every caller or every pod. Bootstrap bindings (labelled kubernetes.io/bootstrapping=rbac-defaults) are not reported.",
        Remediation = "Bind the role to the groups or service accounts that need it instead of a built-in catch-all group.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "broad-group-binding";
}
