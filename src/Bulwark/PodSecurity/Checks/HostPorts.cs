using System.Globalization;

namespace Bulwark.PodSecurity.Checks;

/// <summary>hostPorts (baseline, v1.0): no container port may set a non-zero hostPort.</summary>
internal static class HostPorts
{
    public static PodSecurityCheck Create() =>
        new("hostPorts", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var badContainers = new List<string>();
        var ports = new List<string>();
        foreach (var c in pod.Containers)
        {
            var bad = false;
            foreach (var port in c.Ports ?? [])
            {
                if (port.HostPort is { } hostPort && hostPort != 0)
                {
                    bad = true;
                    ports.Add(hostPort.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (bad)
            {
                badContainers.Add(c.Name);
            }
        }

        if (badContainers.Count == 0)
        {
            return CheckResult.Allow;
        }

        var distinct = Text.SortedSet(ports); // sorted as strings, as upstream does: "443" before "80"
        return CheckResult.Forbid(
            "hostPort",
            Text.Containers(badContainers) + " " + Text.Pl(badContainers.Count, "uses", "use") + " " +
            Text.Pl(distinct.Count, "hostPort", "hostPorts") + " " + string.Join(", ", distinct));
    }
}
