namespace Bulwark.Network.Analysis;

/// <summary>
/// The implementation-defined choices (spec/NETPOL.md 1.5) as options, with their documented defaults. Every
/// report prints them (<see cref="Assumptions"/>).
/// </summary>
public sealed record AnalysisOptions
{
    public static AnalysisOptions Default { get; } = new();

    /// <summary>
    /// Whether ipBlocks also match pods by their IPs (Calico, the upstream e2e suite) rather than only addresses
    /// outside the cluster (Cilium, netpol-analyzer). Default false: manifests carry no pod IPs. When true, a
    /// workload matches an ipBlock when every pod IP captured in its Pods' status is inside it.
    /// </summary>
    public bool IpBlockMatchesPods { get; init; }

    /// <summary>Report a workload's connections to itself (between its replicas). Default false, as netpol-analyzer.</summary>
    public bool IncludeSelf { get; init; }

    /// <summary>The assumptions as name/value pairs, in a stable order (printed in every report).</summary>
    public IReadOnlyList<(string Name, string Value)> Assumptions(IEnumerable<string> tiers) =>
    [
        ("tiers", string.Join(" -> ", tiers.Append("default allow"))),
        ("ipBlockMatchesPods", IpBlockMatchesPods ? "true (an ipBlock matches a workload whose captured pod IPs are all inside it)" : "false (ipBlocks match addresses outside the cluster only)"),
        ("adminTiers", "Admin tier: AdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy with tier Admin, by priority (lower first); Baseline tier: ClusterNetworkPolicy with tier Baseline by priority, then the BaselineAdminNetworkPolicy default; equal priorities are evaluated by name (upstream leaves their order undefined; overlaps are warned); rules in written order, the first match decides; Pass hands the traffic to the next tier; Allow rules do not isolate"),
        ("adminNetworks", IpBlockMatchesPods
            ? "admin-tier networks peers (CIDRs) match external addresses and workloads whose captured pod IPs are all inside"
            : "admin-tier networks peers (CIDRs) match cluster-internal traffic too, but manifests carry no pod IPs: they match external addresses only (pods with --ipblock-matches-pods)"),
        ("adminUnevaluable", "nodes and domainNames peers, and empty or unknown peers, cannot be evaluated offline: an Allow/Accept rule matches nothing through them; a Deny or Pass rule fails closed and is read as Deny everything"),
        ("includeSelf", IncludeSelf ? "true (a workload's connections to itself, between replicas, are listed)" : "false (a workload's connections to itself are not listed)"),
        ("hostNetwork", "pods with hostNetwork: true: policy effect unknown (implementation-defined); not computed, listed apart"),
        ("nodeTraffic", "traffic from the pod's own node (kubelet probes) and loopback is always allowed and out of scope"),
        ("stateful", "replies of an allowed connection are allowed; ports are the destination pod's (after Service DNAT)"),
        ("sourceAddresses", "an ingress ipBlock sees the source address after any SNAT (NodePort or LoadBalancer traffic without externalTrafficPolicy: Local arrives from a node address)"),
        ("externalAddresses", "every address outside the cluster, IPv4 and IPv6, cut at every ipBlock boundary"),
    ];
}
