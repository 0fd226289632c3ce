using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class RunAsRootUser : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "run-as-root-user",
        Title = "Container runs as UID 0",
        Severity = Severity.Critical,
        Layer = Layer.Pod,
        Controls = ["POD-2", "POD-1"],
        Rationale = "A runAsUser of 0 makes the container's processes root, which most container escapes and kernel exploits need; it also defeats any non-root USER the image declares. " +
            "Bulwark reports the effective value (the container's runAsUser, else the pod's), once per container, at the field where the 0 is set; a pod-level 0 that every container overrides is not reported, although Pod Security Admission's restricted level forbids it. " +
            "Windows pods are skipped: Kubernetes does not apply runAsUser to Windows containers. " +
            "A pod with hostUsers: false is still reported, although Pod Security Admission 1.35+ relaxes this check for it.",
        Remediation = "Set runAsUser to a dedicated non-root UID (above 10000) and runAsNonRoot: true, and build the image with a matching USER.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var effective = EffectiveSecurityContext.RunAsUser(pod, container);
        if (effective.Value == 0)
        {
            var where = effective.FromPod ? " (inherited from the pod's securityContext)" : string.Empty;
            context.Report(pod, container, effective.Pointer, $"{container.Describe()} runs as root: runAsUser is 0{where}");
        }
    }
}
