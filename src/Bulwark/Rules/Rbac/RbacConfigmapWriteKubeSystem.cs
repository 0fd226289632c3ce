using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacConfigmapWriteKubeSystem : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-configmap-write-kube-system",
        Title = "Role can write ConfigMaps in a privileged namespace",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create, update or patch on configmaps in a privileged namespace (sensitiveNamespaces) or cluster-wide can rewrite control-plane configuration; on EKS the aws-auth ConfigMap maps cloud identities to system:masters (critical there). Bulwark does not know the distribution, so it reports high.",
        Remediation = "Do not grant ConfigMap writes in kube-system; use EKS access entries instead of aws-auth.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "configmap-write-kube-system";
}
