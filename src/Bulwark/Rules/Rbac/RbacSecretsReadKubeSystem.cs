using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacSecretsReadKubeSystem : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-secrets-read-kube-system",
        Title = "Role reads secrets in a privileged namespace",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Get or list on secrets in a privileged namespace (sensitiveNamespaces, default kube-system) reads the tokens of its service accounts, which are close to cluster-admin. Cluster-wide reads are rbac-secrets-read-cluster. Rules limited by resourceNames reach only the named secrets and are not reported.",
        Remediation = "Do not grant secret reads in kube-system; list the exact secrets with resourceNames if a component needs one.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "secrets-read-kube-system";
}
