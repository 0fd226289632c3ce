using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class HostPid : PodRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "host-pid",
        Title = "Pod shares the node's process namespace",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-8", "POD-1"],
        Rationale = "With hostPID the pod sees every process on the node, can read their environment and command lines (often holding secrets) and, with enough privileges, signal or ptrace them. Pod Security Admission forbids it at baseline (hostNamespaces check); only an explicit true is reported, as there.",
        Remediation = "Remove spec.hostPID (or set it to false); use a shared process namespace between the pod's own containers (shareProcessNamespace) if that is what is needed.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.Spec.HostPID == true)
        {
            context.Report(pod.Owner, pod.SpecField("hostPID"), "pod uses the node's process namespace (hostPID: true)",
                fix: new Fix("remove hostPID", [new PatchOperation("remove", pod.SpecField("hostPID"))]));
        }
    }
}
