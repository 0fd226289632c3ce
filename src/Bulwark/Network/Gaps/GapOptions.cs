using Bulwark.Network.Sets;

namespace Bulwark.Network.Gaps;

/// <summary>
/// What the gap analysis needs beyond the evaluator: the namespaces whose isolation matters (the
/// <c>sensitiveNamespaces</c> parameter, default kube-system) and the address ranges of the cluster itself (pods,
/// Services, nodes), outside which an address counts as the internet.
/// </summary>
public sealed record GapOptions
{
    /// <summary>
    /// The default cluster ranges: the private IPv4 ranges of RFC 1918 and the IPv6 unique local range of RFC 4193,
    /// where pod, Service and node addresses live on almost every cluster. A cluster using public or carrier-grade
    /// NAT ranges (100.64.0.0/10) must say so with <c>--cluster-cidr</c> or the <c>clusterCidrs</c> parameter.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultClusterCidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    public static GapOptions Default { get; } = new();

    public IReadOnlyList<string> SensitiveNamespaces { get; init; } = ["kube-system"];

    /// <summary>The cluster's own ranges (pods, Services, nodes): egress that stays inside them is not internet egress.</summary>
    public IReadOnlyList<Cidr> ClusterCidrs { get; init; } = ParseOrThrow(DefaultClusterCidrs);

    /// <summary>The union of <see cref="ClusterCidrs"/>.</summary>
    public IpRangeSet ClusterRanges => IpRangeSet.FromRanges(ClusterCidrs.Select(c => c.Range));

    /// <summary>Parses CIDRs as the API server does (host bits are dropped); false with a one-line message for the first bad one.</summary>
    public static bool TryParseCidrs(IEnumerable<string> texts, out List<Cidr> cidrs, out string? error)
    {
        cidrs = new List<Cidr>();
        error = null;
        foreach (var text in texts)
        {
            if (!Cidr.TryParse(text.Trim(), out var cidr, out var problem, out _))
            {
                error = problem;
                return false;
            }

            cidrs.Add(cidr);
        }

        return true;
    }

    private static List<Cidr> ParseOrThrow(IEnumerable<string> texts) =>
        TryParseCidrs(texts, out var cidrs, out var error) ? cidrs : throw new ArgumentException(error);
}
