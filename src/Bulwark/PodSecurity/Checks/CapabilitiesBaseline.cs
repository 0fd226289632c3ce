namespace Bulwark.PodSecurity.Checks;

/// <summary>capabilities_baseline (baseline, v1.0): capabilities.add may only hold the container runtime's default set.</summary>
internal static class CapabilitiesBaseline
{
    public const string Id = "capabilities_baseline";

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    public static PodSecurityCheck Create() =>
        new(Id, PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var badContainers = new List<string>();
        var badCapabilities = new List<string>();
        foreach (var c in pod.Containers)
        {
            var bad = false;
            foreach (var cap in c.SecurityContext?.Capabilities?.Add ?? [])
            {
                if (!Allowed.Contains(cap))
                {
                    bad = true;
                    badCapabilities.Add(cap);
                }
            }

            if (bad)
            {
                badContainers.Add(c.Name);
            }
        }

        return badContainers.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "non-default capabilities",
                Text.Containers(badContainers) + " must not include " + Text.Quoted(Text.SortedSet(badCapabilities)) +
                " in securityContext.capabilities.add");
    }
}
