using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// Evaluates connections through the tiers in order. Per direction, each tier allows part of the connection space
/// and decides part of it; what no tier decides is allowed (the default). A connection between two workloads needs
/// the source's egress and the destination's ingress to allow it; towards or from an external address only the
/// workload's side is judged.
/// </summary>
public sealed class PolicyEvaluator
{
    private readonly TierRow?[][] _egressRows;
    private readonly TierRow?[][] _ingressRows;

    public PolicyEvaluator(NetworkModel model, AnalysisOptions? options = null, IReadOnlyList<IPolicyTier>? tiers = null)
    {
        Model = model;
        Options = options ?? AnalysisOptions.Default;
        Tiers = tiers ?? StandardTiers.Create(model);
        Universe = new AnalysisUniverse(model, Options, Tiers.SelectMany(t => t.AddressBoundaries));
        foreach (var tier in Tiers)
        {
            tier.Prepare(Universe);
        }

        _egressRows = new TierRow?[Universe.Classes.Count][];
        _ingressRows = new TierRow?[Universe.Classes.Count][];
    }

    public NetworkModel Model { get; }

    public AnalysisOptions Options { get; }

    public IReadOnlyList<IPolicyTier> Tiers { get; }

    public AnalysisUniverse Universe { get; }

    private ConnectionSetPool Pool => Universe.Pool;

    /// <summary>The assumptions of this evaluation, for reports.</summary>
    public IReadOnlyList<(string Name, string Value)> Assumptions => Options.Assumptions(Tiers.Select(t => t.Name));

    /// <summary>Recognised policy objects no tier evaluates.</summary>
    public IReadOnlyList<OtherPolicyObject> NotEvaluated =>
        Model.OtherPolicies.Where(o => !Tiers.Any(t => t.Evaluates(o.Object))).ToList();

    /// <summary>Warnings of the model (problems that are not errors) and of the tiers.</summary>
    public IReadOnlyList<string> Warnings =>
        Model.Problems.Where(p => !p.IsError).Select(p => p.ToString()).Concat(Tiers.SelectMany(t => t.Warnings)).Distinct().ToList();

    /// <summary>What a subject's direction allows towards a peer class.</summary>
    public ConnectionSet Directional(TrafficDirection direction, EndpointClass subject, EndpointClass peer) =>
        Compose(Rows(direction, subject), peer.Index, atom: false);

    /// <summary>What a subject's direction allows towards an external atom (index in <see cref="AnalysisUniverse.External"/>).</summary>
    public ConnectionSet DirectionalExternal(TrafficDirection direction, EndpointClass subject, int atom) =>
        Compose(Rows(direction, subject), atom, atom: true);

    /// <summary>The connections allowed from a source class to a destination class (egress and ingress).</summary>
    public ConnectionSet Allowed(EndpointClass source, EndpointClass destination)
    {
        var egress = Directional(TrafficDirection.Egress, source, destination);
        return egress.IsEmpty ? egress : Pool.Intersect(egress, Directional(TrafficDirection.Ingress, destination, source));
    }

    /// <summary>Whether some tier decides part of the subject's traffic in that direction (it is isolated there).</summary>
    public bool IsGoverned(TrafficDirection direction, EndpointClass subject)
    {
        var cache = direction == TrafficDirection.Egress ? _egressRows : _ingressRows;
        return cache[subject.Index] is { } rows ? rows.Any(r => r is not null) : Tiers.Any(t => t.Governs(direction, subject));
    }

    internal TierRow?[] Rows(TrafficDirection direction, EndpointClass subject)
    {
        var cache = direction == TrafficDirection.Egress ? _egressRows : _ingressRows;
        return cache[subject.Index] ??= Tiers.Select(t => t.Row(direction, subject)).ToArray();
    }

    internal ConnectionSet Compose(TierRow?[] rows, int peer, bool atom)
    {
        var pool = Pool;
        if (rows.Length == 1)
        {
            // One tier (NetworkPolicy only): no composition needed.
            var only = rows[0];
            if (only is null)
            {
                return pool.All;
            }

            if (only.DecidesAll)
            {
                return atom ? only.AllowedToAtom[peer] : only.AllowedToClass[peer];
            }
        }

        var remaining = pool.All;
        var allowed = pool.None;
        foreach (var row in rows)
        {
            if (row is null)
            {
                continue;
            }

            var a = atom ? row.AllowedToAtom[peer] : row.AllowedToClass[peer];
            var decided = atom ? row.DecidedToAtom?[peer] : row.DecidedToClass?[peer];
            if (decided is null && remaining.IsAll)
            {
                return a; // the first tier deciding anything decides everything (NetworkPolicy alone, the common case)
            }

            var part = pool.Intersect(a, remaining);
            allowed = pool.Union(allowed, part);
            if (decided is null)
            {
                return allowed; // the tier decided everything that was left
            }

            remaining = pool.Subtract(remaining, decided);
            if (remaining.IsEmpty)
            {
                return allowed;
            }
        }

        return pool.Union(allowed, remaining);
    }
}
