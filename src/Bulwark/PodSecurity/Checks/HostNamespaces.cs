namespace Bulwark.PodSecurity.Checks;

/// <summary>hostNamespaces (baseline, v1.0): hostNetwork, hostPID and hostIPC must not be true.</summary>
internal static class HostNamespaces
{
    public static PodSecurityCheck Create() =>
        new("hostNamespaces", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var set = new List<string>();
        if (pod.Spec.HostNetwork == true)
        {
            set.Add("hostNetwork=true");
        }

        if (pod.Spec.HostPID == true)
        {
            set.Add("hostPID=true");
        }

        if (pod.Spec.HostIPC == true)
        {
            set.Add("hostIPC=true");
        }

        return set.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("host namespaces", string.Join(", ", set));
    }
}
