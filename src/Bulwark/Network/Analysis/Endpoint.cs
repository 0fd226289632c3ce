using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>One end of a connection: a workload, or addresses outside the cluster.</summary>
public abstract record Endpoint
{
    /// <summary>Report order: workloads by reference, then external addresses by first range.</summary>
    public static int Compare(Endpoint a, Endpoint b) => (a, b) switch
    {
        (WorkloadEndpoint x, WorkloadEndpoint y) => x.Workload.Ref.CompareTo(y.Workload.Ref),
        (WorkloadEndpoint, _) => -1,
        (_, WorkloadEndpoint) => 1,
        (ExternalEndpoint x, ExternalEndpoint y) => x.Addresses.Ranges[0].CompareTo(y.Addresses.Ranges[0]),
        _ => 0,
    };
}

public sealed record WorkloadEndpoint(Workload Workload) : Endpoint
{
    public override string ToString() => Workload.Ref.ToString();
}

/// <summary>Addresses outside the cluster (one or more disjoint ranges).</summary>
public sealed record ExternalEndpoint(IpRangeSet Addresses) : Endpoint
{
    public override string ToString() => Addresses.ToString();
}
