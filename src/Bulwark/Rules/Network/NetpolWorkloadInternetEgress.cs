using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-2: a workload allowed to send traffic to addresses outside the cluster ranges.</summary>
public sealed class NetpolWorkloadInternetEgress : NetworkGapRule
{
    protected override GapKind Kind => GapKind.WorkloadInternetEgress;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-workload-internet-egress",
        Title = "Workload may reach the internet",
        Severity = Severity.Medium,
        Layer = Layer.Network,
        Controls = ["NET-2"],
        Rationale = "Open egress lets a compromised pod download tools and send data out. " +
            "A workload may reach the internet when its egress allows some address outside the cluster ranges: it is not egress-isolated, or an egress rule has an empty to, or an ipBlock (cidr minus except) reaches beyond the ranges; named ports never resolve towards ipBlock addresses. " +
            "The cluster ranges are the clusterCidrs parameter, by default the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7 (add 100.64.0.0/10 or public ranges your pods, Services or nodes use). " +
            "The message lists the reachable ranges and ports. Medium when some range is open to every port and protocol (no egress isolation, or a rule without ports); low when some ports are open to the internet at large (at least half of the addresses outside the cluster ranges of IPv4 or IPv6: an empty to, 0.0.0.0/0 with excepts). " +
            "Some ports to specific external networks (a payment provider's /24 on 443) is the allow-list NET-2 asks for: bulwark netpol gaps lists it at info severity for review, and scan does not report it. " +
            AnalysisNote,
        Remediation = "Deny egress by default in the namespace, allow DNS and the in-cluster destinations the workload needs, and open only the external CIDRs and ports it uses (or route it through an egress proxy).",
        Parameters = ["clusterCidrs"],
    };
}
