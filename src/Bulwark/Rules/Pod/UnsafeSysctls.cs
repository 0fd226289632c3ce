using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class UnsafeSysctls : PodRule
{
    /// <summary>
    /// The sysctls Pod Security Admission's baseline level allows, as of its newest policy version (v1.37):
    /// v1.0's five, plus the additions of v1.27, v1.29, v1.32 and v1.37.
    /// </summary>
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
        "net.ipv4.tcp_slow_start_after_idle",
        "net.ipv4.tcp_notsent_lowat",
    };

    public override RuleInfo Info { get; } = new()
    {
        Id = "unsafe-sysctls",
        Title = "Pod sets a sysctl outside the safe set",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "Sysctls outside the namespaced safe set can change kernel behaviour for the whole node or other pods. As Pod Security Admission's baseline sysctls check (newest policy version, v1.37), every name in spec.securityContext.sysctls must be one of the allowed names, compared as exact strings (net/ipv4/tcp_rmem is not net.ipv4.tcp_rmem); values are not inspected and each offending entry is reported. Windows pods are checked too, as Pod Security Admission does.",
        Remediation = "Remove the sysctl from spec.securityContext.sysctls, or tune it on the nodes (kubelet --allowed-unsafe-sysctls on a dedicated node pool) under a documented exception.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        var sysctls = pod.PodSecurityContext?.Sysctls;
        if (sysctls is null)
        {
            return;
        }

        for (var i = 0; i < sysctls.Count; i++)
        {
            var name = sysctls[i]?.Name ?? string.Empty;
            if (Allowed.Contains(name))
            {
                continue;
            }

            var pointer = JsonPointer.Append(JsonPointer.Append(pod.PodSecurityContextPointer("sysctls"), i), "name");
            context.Report(pod.Owner, pointer, $"pod sets sysctl \"{name}\", which is not in the Pod Security Standards' allowed set");
        }
    }
}
