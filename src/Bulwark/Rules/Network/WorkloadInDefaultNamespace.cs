using Bulwark.Findings;

namespace Bulwark.Rules.Network;

public sealed class WorkloadInDefaultNamespace : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "workload-in-default-namespace",
        Title = "Workload runs in the default namespace",
        Severity = Severity.Low,
        Layer = Layer.Network,
        Controls = ["NET-3"],
        Rationale = "The default namespace is a shared catch-all: it rarely has NetworkPolicies, Pod Security labels or scoped RBAC, so it is no trust boundary. " +
            "Only workloads whose manifest says namespace: default are reported; a workload without a namespace lands in kubectl's current namespace, which is decided at apply time.",
        Remediation = "Give the workload its own namespace (with Pod Security labels and a default-deny NetworkPolicy) and set metadata.namespace to it.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var pod in context.Inventory.PodTemplates)
        {
            if (pod.Namespace == "default")
            {
                context.Report(pod.Owner, "/metadata/namespace", $"{pod.Owner.Kind} \"{pod.Owner.Name}\" runs in the default namespace");
            }
        }
    }
}
