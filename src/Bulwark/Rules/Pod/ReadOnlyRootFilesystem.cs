using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class ReadOnlyRootFilesystem : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "read-only-root-filesystem",
        Title = "Container root filesystem is writable",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-4"],
        Rationale = "A writable root filesystem lets an attacker drop tools, alter binaries and persist inside the container; a read-only one confines writes to the volumes the workload declares. " +
            "Only an explicit true passes (the setting exists per container; there is no pod-level value to inherit). " +
            "Windows pods are skipped: Kubernetes does not support readOnlyRootFilesystem for Windows containers.",
        Remediation = "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir (or another volume) at each path the workload must write to, such as /tmp.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var setting = container.SecurityContext?.ReadOnlyRootFilesystem;
        if (setting == true)
        {
            return;
        }

        var message = setting == false
            ? $"{container.Describe()} sets readOnlyRootFilesystem: false"
            : $"{container.Describe()} does not set readOnlyRootFilesystem: true";
        context.Report(pod, container, container.SecurityContextPointer("readOnlyRootFilesystem"), message,
            new Fix("set readOnlyRootFilesystem to true", [SecurityContextPatch.SetOnContainer(container, "readOnlyRootFilesystem", true)]));
    }
}
