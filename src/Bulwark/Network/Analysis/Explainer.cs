using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// Explains a source/destination pair: for every part of the connection space, the verdict of the source's egress
/// and of the destination's ingress, and the tier, policy and rule that decide each (or that none does).
/// </summary>
public static class Explainer
{
    /// <summary>
    /// Explains SRC → DST, limited to <paramref name="only"/> when given. An external endpoint spanning several
    /// external atoms gives one explanation per atom (each atom is judged alike by every ipBlock).
    /// </summary>
    public static IReadOnlyList<Explanation> Explain(PolicyEvaluator evaluator, Endpoint source, Endpoint destination, ConnectionSet? only = null)
    {
        if (source is ExternalEndpoint && destination is ExternalEndpoint)
        {
            throw new ArgumentException("at least one end must be a workload");
        }

        var results = new List<Explanation>();
        foreach (var src in Split(evaluator, source))
        {
            foreach (var dst in Split(evaluator, destination))
            {
                results.Add(ExplainOne(evaluator, src, dst, only ?? ConnectionSet.All));
            }
        }

        return results;
    }

    private static IEnumerable<Endpoint> Split(PolicyEvaluator evaluator, Endpoint endpoint)
    {
        if (endpoint is not ExternalEndpoint external)
        {
            yield return endpoint;
            yield break;
        }

        var atoms = evaluator.Universe.External.Atoms;
        foreach (var range in external.Addresses.Ranges)
        {
            foreach (var atom in atoms.Where(a => a.Overlaps(range)))
            {
                var start = atom.Start > range.Start ? atom.Start : range.Start;
                var end = atom.End < range.End ? atom.End : range.End;
                yield return new ExternalEndpoint(IpRangeSet.Of(new IpRange(atom.Family, start, end)));
            }
        }
    }

    private static Explanation ExplainOne(PolicyEvaluator evaluator, Endpoint source, Endpoint destination, ConnectionSet only)
    {
        var notes = new List<string>();
        foreach (var end in new[] { source, destination })
        {
            if (end is WorkloadEndpoint { Workload.HostNetwork: true } w)
            {
                notes.Add($"{w.Workload.Ref} uses the host network: NetworkPolicy's effect on it is implementation-defined (policy effect unknown); shown is what the policies say if the network plugin applied them");
            }
        }

        if (source is WorkloadEndpoint s && destination is WorkloadEndpoint d && s.Workload == d.Workload)
        {
            notes.Add("source and destination are the same workload: this is traffic between its replicas (a pod's traffic to itself is always allowed)");
        }

        var egress = source is WorkloadEndpoint se
            ? evaluator.Tiers.Select(t => (t.Name, Decisions: t.Explain(TrafficDirection.Egress, se.Workload, destination))).ToList()
            : null;
        var ingress = destination is WorkloadEndpoint de
            ? evaluator.Tiers.Select(t => (t.Name, Decisions: t.Explain(TrafficDirection.Ingress, de.Workload, source))).ToList()
            : null;
        var all = (egress ?? []).Concat(ingress ?? []).SelectMany(t => t.Decisions).Select(x => x.Connections).Append(only);
        var parts = new Dictionary<string, (ConnectionSet Set, bool Allowed, DirectionVerdict Egress, DirectionVerdict Ingress)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var atom in ConnectionAtoms.Split(all))
        {
            if (!atom.IsSubsetOf(only))
            {
                continue;
            }

            var e = Verdict(TrafficDirection.Egress, egress, atom, source);
            var i = Verdict(TrafficDirection.Ingress, ingress, atom, destination);
            var key = Key(e) + "|" + Key(i);
            if (parts.TryGetValue(key, out var part))
            {
                parts[key] = part with { Set = part.Set.Union(atom) };
            }
            else
            {
                parts[key] = (atom, e.Allowed && i.Allowed, e, i);
                order.Add(key);
            }
        }

        var list = order.Select(k => parts[k]).Select(p => new ExplainedPart(p.Set, p.Allowed, p.Egress, p.Ingress)).ToList();
        return new Explanation(source, destination, list, notes);
    }

    private static string Key(DirectionVerdict v) =>
        $"{v.Judged}:{v.Allowed}:{v.Tier}:{string.Join(",", v.Passed.Concat(v.Reasons).Select(r => $"{r.PolicyKind}#{r.PolicyRef}#{r.Rule}#{r.Verdict}#{r.Description}"))}";

    private static DirectionVerdict Verdict(TrafficDirection direction, List<(string Tier, IReadOnlyList<TierDecision> Decisions)>? tiers, ConnectionSet atom, Endpoint subjectEnd)
    {
        if (tiers is null)
        {
            return new DirectionVerdict(direction, false, true, null, [],
                $"{subjectEnd} is outside the cluster: no policy judges its {direction.Lower()}");
        }

        var subject = ((WorkloadEndpoint)subjectEnd).Workload.Ref;
        var passed = new List<TierDecision>();
        foreach (var (tier, decisions) in tiers)
        {
            var hits = decisions.Where(x => atom.IsSubsetOf(x.Connections)).ToList();
            if (hits.Count == 0)
            {
                continue;
            }

            var first = hits[0].Verdict;
            if (first == TierVerdict.Pass)
            {
                passed.Add(hits[0]); // Pass: the rest of this tier is skipped, the next tier decides
                continue;
            }

            var reasons = hits.Where(h => h.Verdict == first).ToList();
            var allowed = first == TierVerdict.Allow;
            var summary = allowed
                ? $"allowed by {string.Join("; ", reasons.Select(r => r.ToString()))}"
                : $"denied: {string.Join("; ", reasons.Select(r => r.ToString()))}";
            return new DirectionVerdict(direction, true, allowed, tier, reasons, Chain(passed, summary)) { Passed = passed };
        }

        var fallback = passed.Count == 0
            ? $"allowed by default: no policy isolates {subject} for {direction.Lower()}"
            : $"allowed by default: no later tier decides for {subject} ({direction.Lower()})";
        return new DirectionVerdict(direction, true, true, null, [], Chain(passed, fallback)) { Passed = passed };
    }

    /// <summary>The verdict chain: "passed by X -> passed by Y -> summary".</summary>
    private static string Chain(List<TierDecision> passed, string summary) =>
        passed.Count == 0 ? summary : string.Join(" -> ", passed.Select(p => $"passed by {p}").Append(summary));
}
