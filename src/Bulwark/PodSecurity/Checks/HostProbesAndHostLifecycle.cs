using k8s.Models;

namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// hostProbesAndHostLifecycle (baseline, v1.34+): probes' and lifecycle handlers' httpGet.host and tcpSocket.host must
/// be empty. Unlike every other check, container names are reported de-duplicated and sorted.
/// </summary>
internal static class HostProbesAndHostLifecycle
{
    public static PodSecurityCheck Create() =>
        new("hostProbesAndHostLifecycle", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(34), V1Dot34));

    private static CheckResult V1Dot34(PodInput pod)
    {
        var badContainers = new List<string>();
        var hosts = new List<string>();
        foreach (var c in pod.Containers)
        {
            var found = new List<string>();
            AddHosts(found, c.LivenessProbe?.HttpGet, c.LivenessProbe?.TcpSocket);
            AddHosts(found, c.ReadinessProbe?.HttpGet, c.ReadinessProbe?.TcpSocket);
            AddHosts(found, c.StartupProbe?.HttpGet, c.StartupProbe?.TcpSocket);
            AddHosts(found, c.Lifecycle?.PostStart?.HttpGet, c.Lifecycle?.PostStart?.TcpSocket);
            AddHosts(found, c.Lifecycle?.PreStop?.HttpGet, c.Lifecycle?.PreStop?.TcpSocket);
            if (found.Count > 0)
            {
                badContainers.Add(c.Name);
                hosts.AddRange(found);
            }
        }

        if (badContainers.Count == 0)
        {
            return CheckResult.Allow;
        }

        var names = Text.SortedSet(badContainers);
        var distinctHosts = Text.SortedSet(hosts);
        return CheckResult.Forbid(
            "probe or lifecycle host",
            Text.Containers(names) + " " + Text.Pl(names.Count, "uses", "use") + " " +
            Text.Pl(distinctHosts.Count, "probe or lifecycle host", "probe or lifecycle hosts") + " " + Text.Quoted(distinctHosts));
    }

    private static void AddHosts(List<string> found, V1HTTPGetAction? httpGet, V1TCPSocketAction? tcpSocket)
    {
        if (!string.IsNullOrEmpty(httpGet?.Host))
        {
            found.Add(httpGet.Host);
        }

        if (!string.IsNullOrEmpty(tcpSocket?.Host))
        {
            found.Add(tcpSocket.Host);
        }
    }
}
