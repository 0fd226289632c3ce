using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class HostNetwork : PodRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "host-network",
        Title = "Pod shares the node's network namespace",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-7", "POD-1"],
        Rationale = "With hostNetwork the pod sees every interface of the node, can bind node ports, sniff traffic and reach services listening on localhost (the kubelet, metadata endpoints); NetworkPolicies no longer apply to it.",
        Remediation = "Remove spec.hostNetwork (or set it to false) and expose the workload through a Service.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.Spec.HostNetwork == true)
        {
            context.Report(pod.Owner, pod.SpecField("hostNetwork"), "pod uses the node's network namespace (hostNetwork: true)",
                fix: new Fix("remove hostNetwork", [new PatchOperation("remove", pod.SpecField("hostNetwork"))]));
        }
    }
}
