using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class RunAsNonRoot : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "run-as-non-root",
        Title = "Container may run as root",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-2", "POD-1"],
        Rationale = "With runAsNonRoot: true the kubelet refuses to start a container whose user is root, whatever the image says; without it the image decides, and most images run as root. " +
            "The effective value is the container's setting, else the pod's (an explicit false on the container overrides a pod-level true). " +
            "Windows pods are checked too: the kubelet enforces runAsNonRoot there (it treats ContainerAdministrator as root) and Pod Security Admission's restricted level has no Windows exemption for it. " +
            "A pod with hostUsers: false (user namespaces) is still reported, although Pod Security Admission 1.35+ relaxes this check for it: the guide asks for a non-root user regardless.",
        Remediation = "Set securityContext.runAsNonRoot: true on the pod (or on every container) and build the image with a non-root USER.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        var effective = EffectiveSecurityContext.RunAsNonRoot(pod, container);
        if (effective.Value == true)
        {
            return;
        }

        string message;
        Fix fix;
        if (effective.Value == false)
        {
            var where = effective.FromPod ? " (inherited from the pod's securityContext)" : string.Empty;
            message = $"{container.Describe()} has runAsNonRoot: false{where}, so it may run as root";
            fix = new Fix("set runAsNonRoot to true", [SecurityContextPatch.SetEffective(pod, container, effective, "runAsNonRoot", true)]);
        }
        else
        {
            message = $"{container.Describe()} does not set runAsNonRoot: true (neither does the pod), so the image decides whether it runs as root";
            fix = new Fix("set runAsNonRoot to true", [SecurityContextPatch.SetOnContainer(container, "runAsNonRoot", true)]);
        }

        context.Report(pod, container, effective.Pointer, message, fix);
    }
}
