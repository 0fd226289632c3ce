using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class SeccompProfileUnconfined : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "seccomp-profile-unconfined",
        Title = "Container disables seccomp",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-6", "POD-1"],
        Rationale = "The seccompProfile type Unconfined explicitly turns system-call filtering off, even on nodes that default to RuntimeDefault, exposing the whole kernel interface. " +
            "The effective profile is the container's, else the pod's (a container's RuntimeDefault or Localhost overrides a pod-level Unconfined). " +
            "Only the fields count, as in Pod Security Admission since 1.19: the deprecated seccomp.security.alpha.kubernetes.io annotations (unconfined) are ignored, as the kubelet no longer reads them since 1.25. " +
            "Windows pods are skipped, as Kubernetes and Pod Security Admission (1.25+) do not apply seccomp to them.",
        Remediation = "Set securityContext.seccompProfile.type to RuntimeDefault, or to Localhost with a profile that allows the system calls the workload needs.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var effective = EffectiveSecurityContext.Seccomp(pod, container);
        if (effective.Value?.Type != "Unconfined")
        {
            return;
        }

        var where = effective.FromPod ? " (inherited from the pod's securityContext)" : string.Empty;
        var pointer = effective.Pointer + "/type";
        context.Report(pod, container, pointer,
            $"{container.Describe()} runs with seccomp profile Unconfined{where}",
            new Fix("use the RuntimeDefault seccomp profile", [new PatchOperation("replace", pointer, "RuntimeDefault")]));
    }
}
