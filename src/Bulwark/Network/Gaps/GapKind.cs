namespace Bulwark.Network.Gaps;

/// <summary>The kinds of coverage gaps (spec/NETPOL.md 1.6), each reported by one scan rule of the same id.</summary>
public enum GapKind
{
    /// <summary>No NetworkPolicy of the namespace is a default deny for a direction.</summary>
    NamespaceWithoutDefaultDeny,

    /// <summary>A workload no policy selects for a direction.</summary>
    WorkloadNotIsolated,

    /// <summary>A workload allowed to send traffic to some address outside the cluster ranges.</summary>
    WorkloadInternetEgress,

    /// <summary>A NetworkPolicy whose podSelector matches no workload of its namespace.</summary>
    PolicySelectsNothing,

    /// <summary>A rule, peer or named port entry that can never match.</summary>
    RuleNeverMatches,

    /// <summary>A workload of a sensitive namespace reachable from another namespace or from external addresses.</summary>
    SensitiveNamespaceReachable,
}

public static class GapKinds
{
    public static IReadOnlyList<GapKind> All { get; } = Enum.GetValues<GapKind>();

    /// <summary>The gap's id, which is also the id of the scan rule reporting it.</summary>
    public static string Id(this GapKind kind) => kind switch
    {
        GapKind.NamespaceWithoutDefaultDeny => "netpol-namespace-without-default-deny",
        GapKind.WorkloadNotIsolated => "netpol-workload-not-isolated",
        GapKind.WorkloadInternetEgress => "netpol-workload-internet-egress",
        GapKind.PolicySelectsNothing => "netpol-policy-selects-nothing",
        GapKind.RuleNeverMatches => "netpol-rule-never-matches",
        GapKind.SensitiveNamespaceReachable => "netpol-sensitive-namespace-reachable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The CONTROLS.md control: NET-1 default deny and policy coverage, NET-2 egress, NET-3 namespaces as trust boundaries.</summary>
    public static string Control(this GapKind kind) => kind switch
    {
        GapKind.WorkloadInternetEgress => "NET-2",
        GapKind.SensitiveNamespaceReachable => "NET-3",
        _ => "NET-1",
    };
}
