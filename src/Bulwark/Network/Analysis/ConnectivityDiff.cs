using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>How a connection differs between two versions.</summary>
public enum ChangeKind
{
    /// <summary>Nothing was allowed before; something is now.</summary>
    Added,

    /// <summary>Something was allowed before; nothing is now.</summary>
    Removed,

    /// <summary>Allowed in both, with different ports or protocols.</summary>
    Changed,
}

/// <summary>
/// One connection that differs: the source, the destination, what was allowed before and after (<see cref="ConnectionSet.None"/>
/// when nothing), and the delta (<see cref="Gained"/>, <see cref="Lost"/>). An external end holds the addresses
/// whose change is the same.
/// </summary>
public sealed record ConnectionChange(ChangeKind Kind, Endpoint Source, Endpoint Destination, ConnectionSet Before, ConnectionSet After)
{
    /// <summary>What is allowed after and not before.</summary>
    public ConnectionSet Gained => After.Subtract(Before);

    /// <summary>What was allowed before and not after.</summary>
    public ConnectionSet Lost => Before.Subtract(After);

    public static string Name(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Removed => "removed",
        _ => "changed",
    };

    public override string ToString() => $"{Name(Kind)} {Source} -> {Destination}: {Before} => {After}";
}

/// <summary>
/// The difference between two lists of allowed connections (two versions of the manifests, or intended versus
/// analysed connections). Workload pairs are matched by reference (<c>ns/Kind/name</c>). Connections with external
/// addresses are compared address by address: each workload's external connections of one direction are cut at every
/// range boundary of both versions, and the addresses with the same before/after pair are reported together, so
/// that a change in how ipBlocks split the address space is not mistaken for a change of connectivity.
/// </summary>
public sealed class ConnectivityDiff
{
    private ConnectivityDiff(IReadOnlyList<ConnectionChange> changes, IReadOnlyList<WorkloadRef> added, IReadOnlyList<WorkloadRef> removed)
    {
        Changes = changes;
        WorkloadsAdded = added;
        WorkloadsRemoved = removed;
    }

    /// <summary>The connections that differ, ordered by source then destination.</summary>
    public IReadOnlyList<ConnectionChange> Changes { get; }

    /// <summary>Workloads only in the new version.</summary>
    public IReadOnlyList<WorkloadRef> WorkloadsAdded { get; }

    /// <summary>Workloads only in the old version.</summary>
    public IReadOnlyList<WorkloadRef> WorkloadsRemoved { get; }

    public bool IsEmpty => Changes.Count == 0 && WorkloadsAdded.Count == 0 && WorkloadsRemoved.Count == 0;

    public int Count(ChangeKind kind) => Changes.Count(c => c.Kind == kind);

    /// <summary>Compares two connectivity reports and the workloads of their models.</summary>
    public static ConnectivityDiff Compare(ConnectivityReport before, NetworkModel beforeModel, ConnectivityReport after, NetworkModel afterModel) =>
        Compare(before.Connections, after.Connections, beforeModel.Workloads.Select(w => w.Ref), afterModel.Workloads.Select(w => w.Ref));

    /// <summary>
    /// Compares two connection lists. Entries of one list may repeat a pair or overlap in addresses: they are united.
    /// The workload lists, when given, give the workloads added and removed.
    /// </summary>
    public static ConnectivityDiff Compare(IEnumerable<Connection> before, IEnumerable<Connection> after,
        IEnumerable<WorkloadRef>? workloadsBefore = null, IEnumerable<WorkloadRef>? workloadsAfter = null)
    {
        var pairs = new Dictionary<(WorkloadRef, WorkloadRef), PairState>();
        var externals = new Dictionary<(WorkloadRef, bool Egress), ExternalState>();
        Collect(before, 0, pairs, externals);
        Collect(after, 1, pairs, externals);

        var changes = new List<ConnectionChange>();
        foreach (var state in pairs.Values)
        {
            if (Classify(state.Sets[0], state.Sets[1]) is { } kind)
            {
                changes.Add(new ConnectionChange(kind, state.Source, state.Destination, state.Sets[0], state.Sets[1]));
            }
        }

        foreach (var ((_, egress), state) in externals)
        {
            foreach (var (addresses, old, now) in state.Refine())
            {
                var kind = Classify(old, now)!.Value;
                var ext = new ExternalEndpoint(addresses);
                changes.Add(egress
                    ? new ConnectionChange(kind, state.Workload, ext, old, now)
                    : new ConnectionChange(kind, ext, state.Workload, old, now));
            }
        }

        changes.Sort((x, y) =>
        {
            var c = Endpoint.Compare(x.Source, y.Source);
            return c != 0 ? c : Endpoint.Compare(x.Destination, y.Destination);
        });

        var oldRefs = (workloadsBefore ?? []).ToHashSet();
        var newRefs = (workloadsAfter ?? []).ToHashSet();
        var addedRefs = newRefs.Where(r => !oldRefs.Contains(r)).Order().ToList();
        var removedRefs = oldRefs.Where(r => !newRefs.Contains(r)).Order().ToList();
        return new ConnectivityDiff(changes, addedRefs, removedRefs);
    }

    private static ChangeKind? Classify(ConnectionSet before, ConnectionSet after) =>
        before.Equals(after) ? null : before.IsEmpty ? ChangeKind.Added : after.IsEmpty ? ChangeKind.Removed : ChangeKind.Changed;

    private static void Collect(IEnumerable<Connection> connections, int side, Dictionary<(WorkloadRef, WorkloadRef), PairState> pairs,
        Dictionary<(WorkloadRef, bool), ExternalState> externals)
    {
        foreach (var c in connections)
        {
            switch (c.Source, c.Destination)
            {
                case (WorkloadEndpoint s, WorkloadEndpoint d):
                    var key = (s.Workload.Ref, d.Workload.Ref);
                    if (!pairs.TryGetValue(key, out var pair))
                    {
                        pairs[key] = pair = new PairState(s, d);
                    }
                    else if (side == 1)
                    {
                        pair.Source = s; // prefer the new version's endpoints
                        pair.Destination = d;
                    }

                    pair.Sets[side] = pair.Sets[side].Union(c.Allowed);
                    break;
                case (WorkloadEndpoint s, ExternalEndpoint x):
                    External(externals, s, egress: true).Add(side, x.Addresses, c.Allowed);
                    break;
                case (ExternalEndpoint x, WorkloadEndpoint d):
                    External(externals, d, egress: false).Add(side, x.Addresses, c.Allowed);
                    break;
            }
        }
    }

    private static ExternalState External(Dictionary<(WorkloadRef, bool), ExternalState> externals, WorkloadEndpoint workload, bool egress)
    {
        if (!externals.TryGetValue((workload.Workload.Ref, egress), out var state))
        {
            externals[(workload.Workload.Ref, egress)] = state = new ExternalState(workload);
        }

        return state;
    }

    private sealed class PairState(WorkloadEndpoint source, WorkloadEndpoint destination)
    {
        public WorkloadEndpoint Source { get; set; } = source;

        public WorkloadEndpoint Destination { get; set; } = destination;

        public ConnectionSet[] Sets { get; } = [ConnectionSet.None, ConnectionSet.None];
    }

    /// <summary>One workload's external connections in one direction, in both versions.</summary>
    private sealed class ExternalState(WorkloadEndpoint workload)
    {
        private readonly List<(IpRange Range, ConnectionSet Set)>[] _entries = [new(), new()];

        public WorkloadEndpoint Workload { get; } = workload;

        public void Add(int side, IpRangeSet addresses, ConnectionSet set)
        {
            foreach (var r in addresses.Ranges)
            {
                _entries[side].Add((r, set));
            }
        }

        /// <summary>The addresses whose connections differ, grouped by (before, after).</summary>
        public IEnumerable<(IpRangeSet Addresses, ConnectionSet Before, ConnectionSet After)> Refine()
        {
            var groups = new Dictionary<(ConnectionSet, ConnectionSet), List<IpRange>>();
            var order = new List<(ConnectionSet, ConnectionSet)>();
            foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
            {
                var cuts = new SortedSet<UInt128> { UInt128.Zero };
                foreach (var (range, _) in _entries.SelectMany(e => e).Where(e => e.Range.Family == family))
                {
                    cuts.Add(range.Start);
                    if (range.End < IpRange.MaxOf(family))
                    {
                        cuts.Add(range.End + 1);
                    }
                }

                var starts = cuts.ToArray();
                var pieces = new IpRange[starts.Length];
                for (var i = 0; i < starts.Length; i++)
                {
                    pieces[i] = new IpRange(family, starts[i], i + 1 < starts.Length ? starts[i + 1] - 1 : IpRange.MaxOf(family));
                }

                var sets = new ConnectionSet[2][];
                for (var side = 0; side < 2; side++)
                {
                    var slot = sets[side] = Enumerable.Repeat(ConnectionSet.None, pieces.Length).ToArray();
                    foreach (var (range, set) in _entries[side].Where(e => e.Range.Family == family))
                    {
                        for (var i = Array.BinarySearch(starts, range.Start); i >= 0 && i < pieces.Length && pieces[i].End <= range.End; i++)
                        {
                            slot[i] = slot[i].Union(set);
                        }
                    }
                }

                for (var i = 0; i < pieces.Length; i++)
                {
                    if (sets[0][i].Equals(sets[1][i]))
                    {
                        continue;
                    }

                    var key = (sets[0][i], sets[1][i]);
                    if (!groups.TryGetValue(key, out var list))
                    {
                        groups[key] = list = new List<IpRange>();
                        order.Add(key);
                    }

                    list.Add(pieces[i]);
                }
            }

            foreach (var key in order)
            {
                yield return (IpRangeSet.FromRanges(groups[key]), key.Item1, key.Item2);
            }
        }
    }
}
