using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacCrdWrite : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-crd-write",
        Title = "Role can write CustomResourceDefinitions",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create, update, patch or delete on customresourcedefinitions can shadow or delete the CRDs that security controllers rely on. CRDs are cluster-scoped, so only cluster-wide grants count.",
        Remediation = "Install CRDs through the cluster's deployment pipeline, not from workloads.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "crd-write";
}
