using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacTokenSecretWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-token-secret-write",
        Title = "Role can write secrets in a privileged namespace",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create, update or patch on secrets in a privileged namespace (sensitiveNamespaces) or cluster-wide lets a subject create a service-account-token Secret and receive a legacy token of any service account there.",
        Remediation = "Do not grant secret writes in kube-system or cluster-wide; scope them with RoleBindings to the namespaces that need them.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "token-secret-write";
}
