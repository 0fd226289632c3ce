using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// The verdict of one direction for part of the connection space: which tier decided (null: no tier did, so the
/// default allows), the verdict, and the decisions that are the reason (every admitting rule, or the implicit deny).
/// <see cref="Judged"/> is false for the external side of a connection, which no policy judges. <see cref="Passed"/>
/// lists the Pass decisions of earlier tiers that handed the part on (the verdict chain), in tier order.
/// </summary>
public sealed record DirectionVerdict(TrafficDirection Direction, bool Judged, bool Allowed, string? Tier, IReadOnlyList<TierDecision> Reasons, string Summary)
{
    /// <summary>Pass decisions of earlier tiers, in order, before the deciding tier (or the default).</summary>
    public IReadOnlyList<TierDecision> Passed { get; init; } = [];
}

/// <summary>A part of the connection space with one explanation for both directions.</summary>
public sealed record ExplainedPart(ConnectionSet Connections, bool Allowed, DirectionVerdict Egress, DirectionVerdict Ingress);

/// <summary>Why connections from a source to a destination are allowed or denied, part by part.</summary>
public sealed record Explanation(Endpoint Source, Endpoint Destination, IReadOnlyList<ExplainedPart> Parts, IReadOnlyList<string> Notes)
{
    /// <summary>Everything allowed (the union of the allowed parts).</summary>
    public ConnectionSet Allowed => Parts.Where(p => p.Allowed).Aggregate(ConnectionSet.None, (a, p) => a.Union(p.Connections));
}
