using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class HostIpc : PodRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "host-ipc",
        Title = "Pod shares the node's IPC namespace",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-9", "POD-1"],
        Rationale = "With hostIPC the pod can read and write the shared memory segments and message queues of every process on the node, and so tamper with or spy on other workloads. Pod Security Admission forbids it at baseline (hostNamespaces check); only an explicit true is reported, as there.",
        Remediation = "Remove spec.hostIPC (or set it to false); share memory between the pod's own containers through an emptyDir volume with medium Memory.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.Spec.HostIPC == true)
        {
            context.Report(pod.Owner, pod.SpecField("hostIPC"), "pod uses the node's IPC namespace (hostIPC: true)",
                fix: new Fix("remove hostIPC", [new PatchOperation("remove", pod.SpecField("hostIPC"))]));
        }
    }
}
