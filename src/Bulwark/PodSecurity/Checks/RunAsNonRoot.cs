namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// runAsNonRoot (restricted; v1.0, v1.35): the pod or every container must set runAsNonRoot=true and none may set it
/// false. v1.35: pods with <c>hostUsers: false</c> pass.
/// </summary>
internal static class RunAsNonRoot
{
    public static PodSecurityCheck Create() =>
        new(
            "runAsNonRoot",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(0), V1Dot0),
            new CheckVersion(PolicyVersion.V1(35), pod => pod.HostUsersFalse ? CheckResult.Allow : V1Dot0(pod)));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var setters = new List<string>();
        var podRunAsNonRoot = pod.PodSecurityContext?.RunAsNonRoot;
        if (podRunAsNonRoot == false)
        {
            setters.Add("pod");
        }

        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var c in pod.Containers)
        {
            switch (c.SecurityContext?.RunAsNonRoot)
            {
                case false:
                    explicitlyBad.Add(c.Name);
                    break;
                case null when podRunAsNonRoot != true:
                    implicitlyBad.Add(c.Name);
                    break;
            }
        }

        if (explicitlyBad.Count > 0)
        {
            setters.Add(Text.Containers(explicitlyBad));
        }

        if (setters.Count > 0)
        {
            return CheckResult.Forbid(
                "runAsNonRoot != true",
                string.Join(" and ", setters) + " must not set securityContext.runAsNonRoot=false");
        }

        return implicitlyBad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "runAsNonRoot != true",
                "pod or " + Text.Containers(implicitlyBad) + " must set securityContext.runAsNonRoot=true");
    }
}
