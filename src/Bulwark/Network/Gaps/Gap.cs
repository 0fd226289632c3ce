using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Gaps;

/// <summary>External addresses a workload may send to (or receive from), with the connections allowed.</summary>
public sealed record ExternalReach(IpRangeSet Addresses, ConnectionSet Allowed);

/// <summary>One source that reaches a workload: another namespace's workload or external addresses, with the connections.</summary>
public sealed record GapSource(Endpoint Source, ConnectionSet Allowed);

/// <summary>
/// One coverage gap: its kind (whose id is the scan rule's), severity, control, the object and JSON pointer where it
/// is reported (a Namespace, workload or NetworkPolicy field), a one-sentence message and a fix hint, plus the details
/// of its kind.
/// </summary>
public sealed record Gap
{
    public required GapKind Kind { get; init; }

    public string Id => Kind.Id();

    public string Control => Kind.Control();

    public required Severity Severity { get; init; }

    /// <summary>The object the gap is reported at.</summary>
    public required KubeObject Object { get; init; }

    /// <summary>JSON pointer of the field concerned in <see cref="Object"/>.</summary>
    public required string Pointer { get; init; }

    public required string Message { get; init; }

    public required string Hint { get; init; }

    /// <summary>The direction concerned (namespace and workload gaps; a rule's direction).</summary>
    public TrafficDirection? Direction { get; init; }

    /// <summary>The namespace concerned.</summary>
    public required string Namespace { get; init; }

    /// <summary>The workload concerned (workload, internet and sensitive-namespace gaps).</summary>
    public Workload? Workload { get; init; }

    /// <summary>The policy concerned (policy and rule gaps).</summary>
    public NetworkPolicyV1? Policy { get; init; }

    /// <summary>The rule concerned (rule gaps).</summary>
    public PolicyRule? Rule { get; init; }

    /// <summary>For rule gaps: what never matches: "rule", "peer" or "port".</summary>
    public string? Part { get; init; }

    /// <summary>Internet egress: the external addresses outside the cluster ranges the workload may reach, grouped by connections.</summary>
    public IReadOnlyList<ExternalReach> External { get; init; } = [];

    /// <summary>Sensitive namespace: who reaches the workload from outside its namespace, with the connections.</summary>
    public IReadOnlyList<GapSource> Sources { get; init; } = [];

    public override string ToString() => $"{Severity.Name()} {Id}: {Message}";
}

/// <summary>A peer the analysis could not judge: it selects only namespaces absent from the input or without workloads in it.</summary>
public sealed record UnresolvedPeer(PolicyRule Rule, PolicyPeer Peer, string Reason)
{
    public override string ToString() => $"NetworkPolicy {Rule.Policy.Ref} {Rule.Label} peer {PolicyText.Describe(Peer, Rule.Policy.Namespace)}: {Reason}";
}

/// <summary>The result of <see cref="GapAnalyzer.Analyze"/>: the gaps in report order, and what could not be judged.</summary>
public sealed class GapReport
{
    internal GapReport(IReadOnlyList<(string Name, string Value)> assumptions, IReadOnlyList<Gap> gaps, IReadOnlyList<Workload> policyEffectUnknown,
        IReadOnlyList<UnresolvedPeer> unresolvedPeers, IReadOnlyList<OtherPolicyObject> notEvaluated, IReadOnlyList<string> warnings,
        IReadOnlyList<NetworkProblem> errors)
    {
        Assumptions = assumptions;
        Gaps = gaps;
        PolicyEffectUnknown = policyEffectUnknown;
        UnresolvedPeers = unresolvedPeers;
        NotEvaluated = notEvaluated;
        Warnings = warnings;
        Errors = errors;
    }

    /// <summary>The evaluator's assumptions plus the cluster ranges and sensitive namespaces used.</summary>
    public IReadOnlyList<(string Name, string Value)> Assumptions { get; }

    /// <summary>Gaps by kind (the order of <see cref="GapKind"/>), then namespace, object and direction.</summary>
    public IReadOnlyList<Gap> Gaps { get; }

    /// <summary>hostNetwork workloads: NetworkPolicy's effect on them is implementation-defined, so no gap is computed for them.</summary>
    public IReadOnlyList<Workload> PolicyEffectUnknown { get; }

    /// <summary>Peers selecting only namespaces the input does not describe (not reported as gaps).</summary>
    public IReadOnlyList<UnresolvedPeer> UnresolvedPeers { get; }

    public IReadOnlyList<OtherPolicyObject> NotEvaluated { get; }

    public IReadOnlyList<string> Warnings { get; }

    public IReadOnlyList<NetworkProblem> Errors { get; }

    public IEnumerable<Gap> OfKind(GapKind kind) => Gaps.Where(g => g.Kind == kind);
}
