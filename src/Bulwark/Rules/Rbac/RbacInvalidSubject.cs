using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacInvalidSubject : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-invalid-subject",
        Title = "Binding has an invalid subject",
        Severity = Severity.Low,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A ServiceAccount subject without namespace in a ClusterRoleBinding, a subject of unknown kind or a wrong apiGroup matches nobody or is rejected by the API server, and hides what the binding was meant to grant.",
        Remediation = "Fix the subject: give ServiceAccount subjects a namespace and use the kinds User, Group and ServiceAccount.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "invalid-subject";
}
