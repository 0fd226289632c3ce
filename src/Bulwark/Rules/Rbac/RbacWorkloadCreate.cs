using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacWorkloadCreate : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-workload-create",
        Title = "Role can create workloads",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Creating pods or pod controllers in an ordinary namespace runs pods as any service account of that namespace, and escapes to the node where pod security is weak. Grants in privileged namespaces or cluster-wide are rbac-workload-create-kube-system. Default roles such as edit are not reported here (the scan reports roles written in the input).",
        Remediation = "Bind workload creation only to deployment tooling and people of the namespace, and enforce Pod Security Admission there.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
        EnabledByDefault = false,
    };

    protected override string RiskId => "workload-create";
}
