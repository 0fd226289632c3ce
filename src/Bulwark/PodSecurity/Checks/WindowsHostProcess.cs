namespace Bulwark.PodSecurity.Checks;

/// <summary>windowsHostProcess (baseline, v1.0): windowsOptions.hostProcess (pod and containers) must not be true.</summary>
internal static class WindowsHostProcess
{
    public static PodSecurityCheck Create() =>
        new("windowsHostProcess", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var setters = new List<string>();
        if (pod.PodSecurityContext?.WindowsOptions?.HostProcess == true)
        {
            setters.Add("pod");
        }

        var bad = pod.Containers.Where(c => c.SecurityContext?.WindowsOptions?.HostProcess == true).Select(c => c.Name).ToList();
        if (bad.Count > 0)
        {
            setters.Add(Text.Containers(bad));
        }

        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("hostProcess", string.Join(" and ", setters) + " must not set securityContext.windowsOptions.hostProcess=true");
    }
}
