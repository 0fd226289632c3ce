using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class RunAsUserMissing : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "run-as-user-missing",
        Title = "Container does not set runAsUser",
        Severity = Severity.Low,
        Layer = Layer.Pod,
        Controls = ["POD-2"],
        Rationale = "When neither the container nor the pod sets runAsUser, the image's USER decides which UID the process gets, and an image update can silently switch it to root; the guide asks for an explicit runAsUser. " +
            "Windows pods are skipped: Kubernetes does not apply runAsUser to Windows containers (they use windowsOptions.runAsUserName).",
        Remediation = "Set securityContext.runAsUser to a dedicated UID above 10000, on the pod or on the container.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var effective = EffectiveSecurityContext.RunAsUser(pod, container);
        if (effective.Value is null)
        {
            context.Report(pod, container, effective.Pointer,
                $"{container.Describe()} does not set runAsUser (neither does the pod), so the image decides the user");
        }
    }
}
