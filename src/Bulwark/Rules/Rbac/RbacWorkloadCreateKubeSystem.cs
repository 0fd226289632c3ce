using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacWorkloadCreateKubeSystem : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-workload-create-kube-system",
        Title = "Role can create workloads in a privileged namespace",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Creating pods, or creating, updating or patching Deployments, DaemonSets, StatefulSets, ReplicaSets, ReplicationControllers, Jobs or CronJobs in a privileged namespace (sensitiveNamespaces, default kube-system), or cluster-wide, lets a subject run a pod as any service account there and read its token, which is close to cluster-admin. Rules limited by resourceNames are not reported, since create carries no name.",
        Remediation = "Do not grant workload creation in kube-system or cluster-wide; run deployment tooling with RoleBindings in its own namespaces.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "workload-create-kube-system";
}
