using System.Globalization;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Image;

public sealed class RunAsLowUid : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "run-as-low-uid",
        Title = "Container runs with a low UID",
        Severity = Severity.Medium,
        Layer = Layer.Image,
        Controls = ["IMG-5", "POD-2"],
        Rationale = "Low UIDs are shared with the node's system and login accounts; a process that escapes the container with such a UID may own host files or processes. " +
            "The guide asks for a UID above 10000, so the effective runAsUser (the container's, else the pod's) must be strictly greater than minUid: exactly 10000 fails, as in kubesec and trivy, while checkov and kube-score accept 10000. " +
            "UID 0 is left to run-as-root-user. Windows pods are skipped: Kubernetes does not apply runAsUser to Windows containers.",
        Remediation = "Set securityContext.runAsUser to a dedicated UID above the threshold (10000 by default) and build the image with that USER.",
        Parameters = ["minUid"],
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var effective = EffectiveSecurityContext.RunAsUser(pod, container);
        var minUid = context.Parameters.MinUid;
        if (effective.Value is { } uid && uid != 0 && uid <= minUid)
        {
            var where = effective.FromPod ? " (inherited from the pod's securityContext)" : string.Empty;
            context.Report(pod, container, effective.Pointer,
                $"{container.Describe()} runs as UID {uid.ToString(CultureInfo.InvariantCulture)}{where}, which is not above {minUid.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
