namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// sysctls (baseline; v1.0, v1.27, v1.29, v1.32, v1.37): pod securityContext.sysctls may only name the safe set,
/// which grows with the version. Names are matched exactly and reported in spec order, duplicates kept.
/// </summary>
internal static class Sysctls
{
    private static readonly string[] V1Dot0Names =
    [
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ];

    private static readonly string[] V1Dot27Names = [.. V1Dot0Names, "net.ipv4.ip_local_reserved_ports"];

    private static readonly string[] V1Dot29Names =
    [
        .. V1Dot27Names,
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ];

    private static readonly string[] V1Dot32Names = [.. V1Dot29Names, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];

    private static readonly string[] V1Dot37Names = [.. V1Dot32Names, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

    public static PodSecurityCheck Create() =>
        new(
            "sysctls",
            PodSecurityLevel.Baseline,
            Version(0, V1Dot0Names),
            Version(27, V1Dot27Names),
            Version(29, V1Dot29Names),
            Version(32, V1Dot32Names),
            Version(37, V1Dot37Names));

    private static CheckVersion Version(int minor, string[] names)
    {
        var allowed = new HashSet<string>(names, StringComparer.Ordinal);
        return new CheckVersion(PolicyVersion.V1(minor), pod => Evaluate(pod, allowed));
    }

    private static CheckResult Evaluate(PodInput pod, HashSet<string> allowed)
    {
        var bad = (pod.PodSecurityContext?.Sysctls ?? [])
            .Select(s => s.Name ?? string.Empty)
            .Where(name => !allowed.Contains(name))
            .ToList();
        return bad.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("forbidden sysctls", string.Join(", ", bad));
    }
}
