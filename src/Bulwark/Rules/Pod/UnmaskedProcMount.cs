using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class UnmaskedProcMount : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "unmasked-proc-mount",
        Title = "Container unmasks /proc",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "The default proc mount masks and makes read-only the parts of /proc that leak node information or let a process reconfigure the kernel; procMount Unmasked removes that protection. As Pod Security Admission's baseline procMount check (v1.35+), any explicit value other than Default is reported, unless the pod runs in a user namespace (spec.hostUsers explicitly false), where the unmasked /proc only reaches the pod's own namespace. The restricted level keeps the strict rule even then (procMount_restricted).",
        Remediation = "Remove securityContext.procMount (or set it to Default); if an unmasked /proc is truly needed, run the pod with hostUsers: false.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        var procMount = container.SecurityContext?.ProcMount;
        if (procMount is null || procMount == "Default" || pod.Spec.HostUsers == false)
        {
            return;
        }

        var pointer = container.SecurityContextPointer("procMount");
        context.Report(pod, container, pointer,
            $"{container.Describe()} sets procMount \"{procMount}\" outside a user namespace (the pod does not set hostUsers: false)",
            new Fix("remove procMount", [new PatchOperation("remove", pointer)]));
    }
}
