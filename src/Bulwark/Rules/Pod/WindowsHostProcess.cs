using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class WindowsHostProcess : PodRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "windows-host-process",
        Title = "Windows container runs as a host process",
        Severity = Severity.Critical,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "A Windows HostProcess container runs directly on the node, in the host's network and with access to its filesystem and processes: it is the Windows equivalent of a privileged container. As Pod Security Admission's baseline windowsHostProcess check, an explicit hostProcess: true is reported at the pod level and at each container that sets it, each separately.",
        Remediation = "Remove securityContext.windowsOptions.hostProcess (or set it to false) at the pod and container level; node agents that need it belong in a system namespace under a documented exception.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.PodSecurityContext?.WindowsOptions?.HostProcess == true)
        {
            context.Report(pod.Owner, pod.PodSecurityContextPointer("windowsOptions/hostProcess"), "pod runs its containers as Windows host processes (hostProcess: true)");
        }

        foreach (var container in pod.Containers)
        {
            if (container.SecurityContext?.WindowsOptions?.HostProcess == true)
            {
                context.Report(pod, container, container.SecurityContextPointer("windowsOptions/hostProcess"),
                    $"{container.Describe()} runs as a Windows host process (hostProcess: true)");
            }
        }
    }
}
