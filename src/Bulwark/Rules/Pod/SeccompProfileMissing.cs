using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class SeccompProfileMissing : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "seccomp-profile-missing",
        Title = "Container has no seccomp profile",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-6", "POD-1"],
        Rationale = "Without a seccomp profile the kubelet runs containers Unconfined (unless the node opts into its SeccompDefault setting), leaving every system call open to kernel exploits. " +
            "The effective profile is the container's securityContext.seccompProfile, else the pod's; RuntimeDefault and Localhost pass. A profile without a valid type is reported here too, since the API server rejects it. " +
            "Only the fields count, as in Pod Security Admission since 1.19: the seccomp.security.alpha.kubernetes.io annotations were deprecated in 1.19 and the kubelet no longer reads them since 1.25, so a workload relying on them is reported. " +
            "Windows pods are skipped, as Kubernetes and Pod Security Admission (1.25+) do not apply seccomp to them.",
        Remediation = "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or a Localhost profile), and replace any seccomp annotations with the field.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var effective = EffectiveSecurityContext.Seccomp(pod, container);
        if (effective.Value is null)
        {
            context.Report(pod, container, effective.Pointer,
                $"{container.Describe()} has no seccomp profile (neither does the pod), so it runs unconfined by default",
                new Fix("use the RuntimeDefault seccomp profile",
                    [SecurityContextPatch.SetOnContainer(container, "seccompProfile", new Dictionary<string, object> { ["type"] = "RuntimeDefault" })]));
            return;
        }

        var type = effective.Value.Type;
        if (type is "RuntimeDefault" or "Localhost" or "Unconfined")
        {
            return;
        }

        var where = effective.FromPod ? " inherited from the pod" : string.Empty;
        var message = string.IsNullOrEmpty(type)
            ? $"{container.Describe()} has a seccomp profile{where} without a type"
            : $"{container.Describe()} has a seccomp profile{where} of unknown type \"{type}\" (expected RuntimeDefault or Localhost)";
        context.Report(pod, container, effective.Pointer + "/type", message,
            new Fix("use the RuntimeDefault seccomp profile", [new PatchOperation("add", effective.Pointer + "/type", "RuntimeDefault")]));
    }
}
