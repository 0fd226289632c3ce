using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// One tier of the evaluation order: Admin tier → NetworkPolicy tier → Baseline tier → default allow. For a
/// subject (the pods whose traffic is judged: the source for egress, the destination for ingress) and a direction,
/// a tier decides part of the connection space (allow or deny) and leaves the rest to the next tier (Pass, or no
/// rule). Whatever no tier decides is allowed. Both directions must allow a connection between two workloads;
/// with an external peer only the workload's side is judged.
/// </summary>
public interface IPolicyTier
{
    /// <summary>The tier's name in reports: "AdminNetworkPolicy", "NetworkPolicy", "BaselineAdminNetworkPolicy", ...</summary>
    string Name { get; }

    /// <summary>Whether this tier evaluates a recognised policy object (the others are reported as not evaluated).</summary>
    bool Evaluates(KubeObject obj);

    /// <summary>Every address range the tier's rules name (CIDRs), so that the external atoms never straddle one.</summary>
    IEnumerable<IpRange> AddressBoundaries { get; }

    /// <summary>Called once with the universe, before any <see cref="Row"/>; precompute here.</summary>
    void Prepare(AnalysisUniverse universe);

    /// <summary>
    /// The tier's decisions for a subject class in a direction, over every peer class and external atom; null
    /// when the tier decides nothing for the subject. Rows may be shared between subjects.
    /// </summary>
    TierRow? Row(TrafficDirection direction, EndpointClass subject);

    /// <summary>
    /// Whether <see cref="Row"/> would be non-null (the tier decides something for the subject in that direction),
    /// without building the row: a tier that can tell cheaply overrides this.
    /// </summary>
    bool Governs(TrafficDirection direction, EndpointClass subject) => Row(direction, subject) is not null;

    /// <summary>The tier's decisions, with their reasons, for one subject workload and one peer (explain).</summary>
    IReadOnlyList<TierDecision> Explain(TrafficDirection direction, Workload subject, Endpoint peer);

    /// <summary>Warnings found while preparing (rules that can never match, ...).</summary>
    IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// A tier's decisions for one subject and direction: per peer class and per external atom, the connections it
/// allows, and the connections it decides at all (allowed or denied); the rest goes on to the next tier. A null
/// Decided array means the tier decides every connection (the NetworkPolicy tier for an isolated subject).
/// Arrays hold sets of <see cref="AnalysisUniverse.Pool"/>.
/// </summary>
public sealed class TierRow
{
    public TierRow(ConnectionSet[] allowedToClass, ConnectionSet[] allowedToAtom, ConnectionSet[]? decidedToClass, ConnectionSet[]? decidedToAtom)
    {
        AllowedToClass = allowedToClass;
        AllowedToAtom = allowedToAtom;
        DecidedToClass = decidedToClass;
        DecidedToAtom = decidedToAtom;
    }

    public ConnectionSet[] AllowedToClass { get; }

    public ConnectionSet[] AllowedToAtom { get; }

    public ConnectionSet[]? DecidedToClass { get; }

    public ConnectionSet[]? DecidedToAtom { get; }

    /// <summary>Whether the row decides every connection to every peer.</summary>
    public bool DecidesAll => DecidedToClass is null && DecidedToAtom is null;
}

public enum TierVerdict
{
    Allow,
    Deny,
    Pass,
}

/// <summary>
/// One reason of a tier for a subject and peer: the connections it covers, its verdict, and the policy and rule
/// (null for an implicit decision such as NetworkPolicy's "isolated, and no rule admits"), and the JSON pointer of
/// the rule in the policy object. <see cref="PolicyKind"/> and <see cref="Priority"/> name the object's kind and
/// priority when the tier holds several kinds (the admin tiers); the NetworkPolicy tier leaves them null.
/// </summary>
public sealed record TierDecision(string Tier, TierVerdict Verdict, ConnectionSet Connections, KubeObject? Policy, string? PolicyRef, string? Rule, int? RuleIndex, string Description, string? Pointer = null)
{
    /// <summary>The policy's kind ("AdminNetworkPolicy", "ClusterNetworkPolicy", ...); null: the tier's name says it.</summary>
    public string? PolicyKind { get; init; }

    /// <summary>The policy's priority, when it has one.</summary>
    public int? Priority { get; init; }

    public override string ToString()
    {
        if (Rule is null)
        {
            return $"{Tier}: {Description}";
        }

        var priority = Priority is { } p ? $" (priority {p})" : string.Empty;
        return $"{PolicyKind ?? Tier} {PolicyRef}{priority} {Rule}: {Description}";
    }
}
