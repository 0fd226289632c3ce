using System.Text;
using Bulwark.Model;
using Bulwark.Network.AdminPolicies;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// One cluster-wide tier of policy.networking.k8s.io: the Admin tier (AdminNetworkPolicy v1alpha1 and
/// ClusterNetworkPolicy with <c>tier: Admin</c>), evaluated before NetworkPolicy, or the Baseline tier
/// (ClusterNetworkPolicy with <c>tier: Baseline</c>, then the BaselineAdminNetworkPolicy <c>default</c>), evaluated
/// after it. For a subject, the policies selecting it are taken by priority (lower first; equal priorities by name,
/// as upstream leaves their order undefined, with a warning where they overlap) and their rules in written order:
/// the first rule matching a connection decides it (Allow/Accept and Deny are final; Pass leaves it to the next
/// tier). A connection no rule matches is left to the next tier too: Allow rules never isolate.
/// </summary>
public sealed class AdminTier : IPolicyTier
{
    /// <summary>Sort position of a BaselineAdminNetworkPolicy (no priority) after every prioritised policy of its tier.</summary>
    private const int NoPriority = int.MaxValue;

    private readonly NetworkModel _model;
    private readonly AdminTierKind _kind;
    private readonly List<AdminPolicy> _policies;
    private readonly List<AdminRule> _rules;
    private readonly List<string> _warnings = new();
    private readonly Dictionary<string, TierRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Rule, int PortKey), ConnectionSet> _namedPorts = new();
    private AnalysisUniverse? _universe;
    private bool[][] _matchedClasses = [];
    private bool[][] _matchedAtoms = [];
    private ConnectionSet?[] _numericPorts = [];
    private List<int>[] _selecting = [];
    private int[] _firstRule = [];

    public AdminTier(NetworkModel model, AdminTierKind kind)
    {
        _model = model;
        _kind = kind;
        _policies = model.AdminPolicies.Where(p => p.Tier == kind)
            .OrderBy(p => p.Priority ?? NoPriority)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Kind, StringComparer.Ordinal)
            .ToList();
        _rules = new List<AdminRule>();
        _firstRule = new int[_policies.Count];
        for (var i = 0; i < _policies.Count; i++)
        {
            _firstRule[i] = _rules.Count;
            _rules.AddRange(_policies[i].IngressRules);
            _rules.AddRange(_policies[i].EgressRules);
        }
    }

    public string Name => _kind == AdminTierKind.Admin ? "Admin" : "Baseline";

    /// <summary>The policies of the tier in evaluation order.</summary>
    public IReadOnlyList<AdminPolicy> Policies => _policies;

    public IReadOnlyList<string> Warnings => _warnings;

    public IEnumerable<IpRange> AddressBoundaries =>
        _rules.SelectMany(r => r.Peers).SelectMany(p => p.Networks).Select(c => c.Range);

    public bool Evaluates(KubeObject obj)
    {
        if (!AdminPolicyReader.IsEvaluated(obj))
        {
            return false;
        }

        // An object whose tier cannot be read is invalid (reported as an error); the Admin tier claims it.
        return AdminPolicyReader.TierOf(obj) is { } tier ? tier == _kind : _kind == AdminTierKind.Admin;
    }

    public void Prepare(AnalysisUniverse universe)
    {
        _universe = universe;
        var classes = universe.Classes;
        _matchedClasses = new bool[_rules.Count][];
        _matchedAtoms = new bool[_rules.Count][];
        _numericPorts = new ConnectionSet?[_rules.Count];
        for (var r = 0; r < _rules.Count; r++)
        {
            var rule = _rules[r];
            var matchClass = new bool[classes.Count];
            var matchAtom = new bool[universe.External.Atoms.Count];
            if (rule.MatchesEverything)
            {
                Array.Fill(matchClass, true);
                Array.Fill(matchAtom, true);
            }
            else
            {
                foreach (var peer in rule.Peers)
                {
                    if (peer.Kind == AdminPeerKind.Networks)
                    {
                        foreach (var a in universe.External.AtomsIn(peer.Addresses))
                        {
                            matchAtom[a] = true;
                        }
                    }

                    foreach (var cls in classes)
                    {
                        matchClass[cls.Index] |= PeerMatches(peer, cls.Representative);
                    }
                }
            }

            _matchedClasses[r] = matchClass;
            _matchedAtoms[r] = matchAtom;
        }

        _selecting = new List<int>[classes.Count];
        foreach (var cls in classes)
        {
            _selecting[cls.Index] = new List<int>();
            for (var p = 0; p < _policies.Count; p++)
            {
                if (_policies[p].Subject.Matches(cls.Namespace, cls.Labels))
                {
                    _selecting[cls.Index].Add(p);
                }
            }
        }

        CheckEqualPriorities();
        CheckNamedPorts();
    }

    public TierRow? Row(TrafficDirection direction, EndpointClass subject)
    {
        var policies = _selecting[subject.Index].Where(p => _policies[p].Rules(direction).Count > 0).ToList();
        if (policies.Count == 0)
        {
            return null;
        }

        var rules = policies.SelectMany(p => RuleIds(p, direction)).ToList();
        var named = direction == TrafficDirection.Ingress && rules.Any(r => _rules[r].HasNamedPorts);
        var key = new StringBuilder().Append(direction == TrafficDirection.Ingress ? 'I' : 'E').Append(named ? subject.PortKey : -1);
        foreach (var p in policies)
        {
            key.Append(',').Append(p);
        }

        var text = key.ToString();
        if (!_rows.TryGetValue(text, out var row))
        {
            _rows[text] = row = BuildRow(direction, subject, rules);
        }

        return row;
    }

    public IReadOnlyList<TierDecision> Explain(TrafficDirection direction, Workload subject, Endpoint peer)
    {
        var ns = _model.Namespace(subject.Namespace);
        var decisions = new List<TierDecision>();
        var remaining = ConnectionSet.All;
        foreach (var policy in _policies.Where(p => p.Subject.Matches(ns, subject.Labels)))
        {
            foreach (var rule in policy.Rules(direction))
            {
                var destination = direction == TrafficDirection.Ingress ? subject : (peer as WorkloadEndpoint)?.Workload;
                var matched = Matches(rule, peer) ? Ports(rule, destination).Intersect(remaining) : ConnectionSet.None;
                if (matched.IsEmpty)
                {
                    continue;
                }

                remaining = remaining.Subtract(matched);
                var verdict = rule.EffectiveAction switch
                {
                    AdminAction.Allow => TierVerdict.Allow,
                    AdminAction.Deny => TierVerdict.Deny,
                    _ => TierVerdict.Pass,
                };
                decisions.Add(new TierDecision(Name, verdict, matched, policy.Source, policy.Name, rule.Label, rule.Index, rule.Describe(), rule.Pointer)
                {
                    PolicyKind = policy.Kind,
                    Priority = policy.Priority,
                });
                if (remaining.IsEmpty)
                {
                    return decisions;
                }
            }
        }

        return decisions;
    }

    private AnalysisUniverse Universe => _universe ?? throw new InvalidOperationException("Prepare the tier first.");

    private IEnumerable<int> RuleIds(int policy, TrafficDirection direction)
    {
        var p = _policies[policy];
        var first = _firstRule[policy] + (direction == TrafficDirection.Ingress ? 0 : p.IngressRules.Count);
        return Enumerable.Range(first, p.Rules(direction).Count);
    }

    /// <summary>Whether a workload is matched by a peer: by its labels and namespace, or by its pod IPs (networks, with ipBlock-matches-pods).</summary>
    private bool PeerMatches(AdminPeer peer, Workload workload)
    {
        if (peer.Kind == AdminPeerKind.Networks)
        {
            return Universe.Options.IpBlockMatchesPods && workload.PodAddresses.Count > 0 &&
                workload.PodAddresses.All(a => peer.Addresses.Contains(a));
        }

        return peer.MatchesPods(_model.Namespace(workload.Namespace), workload.Labels);
    }

    /// <summary>Whether a rule's peers match an endpoint (explain).</summary>
    private bool Matches(AdminRule rule, Endpoint peer) => rule.MatchesEverything || peer switch
    {
        WorkloadEndpoint w => rule.Peers.Any(p => PeerMatches(p, w.Workload)),
        ExternalEndpoint e => rule.Peers.Any(p => p.Kind == AdminPeerKind.Networks && e.Addresses.IsSubsetOf(p.Addresses)),
        _ => false,
    };

    /// <summary>The connections a rule matches towards a destination (null: an external address, where named ports match nothing).</summary>
    private static ConnectionSet Ports(AdminRule rule, Workload? destination)
    {
        if (rule.Ports is null || rule.MatchesEverything)
        {
            return ConnectionSet.All;
        }

        var set = ConnectionSet.None;
        foreach (var port in rule.Ports)
        {
            set = set.Union(port.Resolve(destination));
        }

        return set;
    }

    private ConnectionSet PortsToClass(int ruleId, EndpointClass destination)
    {
        var rule = _rules[ruleId];
        if (!rule.HasNamedPorts || rule.MatchesEverything)
        {
            return PortsToExternal(ruleId);
        }

        if (!_namedPorts.TryGetValue((ruleId, destination.PortKey), out var set))
        {
            _namedPorts[(ruleId, destination.PortKey)] = set = Universe.Pool.Intern(Ports(rule, destination.Representative));
        }

        return set;
    }

    private ConnectionSet PortsToExternal(int ruleId) =>
        _numericPorts[ruleId] ??= Universe.Pool.Intern(Ports(_rules[ruleId], null));

    /// <summary>What a rule matches towards a peer class or atom, for a subject (the destination for ingress).</summary>
    private ConnectionSet Match(int ruleId, TrafficDirection direction, EndpointClass subject, int peer, bool atom)
    {
        if (atom)
        {
            return _matchedAtoms[ruleId][peer] ? PortsToExternal(ruleId) : Universe.Pool.None;
        }

        if (!_matchedClasses[ruleId][peer])
        {
            return Universe.Pool.None;
        }

        return PortsToClass(ruleId, direction == TrafficDirection.Ingress ? subject : Universe.Classes[peer]);
    }

    /// <summary>First match wins, in rule order: what is allowed, denied and passed.</summary>
    private (ConnectionSet Allowed, ConnectionSet Denied, ConnectionSet Passed) Cell(IEnumerable<int> rules, TrafficDirection direction, EndpointClass subject, int peer, bool atom)
    {
        var pool = Universe.Pool;
        var remaining = pool.All;
        var allowed = pool.None;
        var denied = pool.None;
        var passed = pool.None;
        foreach (var r in rules)
        {
            var m = Match(r, direction, subject, peer, atom);
            if (m.IsEmpty)
            {
                continue;
            }

            m = pool.Intersect(m, remaining);
            if (m.IsEmpty)
            {
                continue;
            }

            switch (_rules[r].EffectiveAction)
            {
                case AdminAction.Allow:
                    allowed = pool.Union(allowed, m);
                    break;
                case AdminAction.Deny:
                    denied = pool.Union(denied, m);
                    break;
                default:
                    passed = pool.Union(passed, m);
                    break;
            }

            remaining = pool.Subtract(remaining, m);
            if (remaining.IsEmpty)
            {
                break;
            }
        }

        return (allowed, denied, passed);
    }

    private TierRow BuildRow(TrafficDirection direction, EndpointClass subject, List<int> rules)
    {
        var pool = Universe.Pool;
        var classes = Universe.Classes.Count;
        var atoms = Universe.External.Atoms.Count;
        var allowedToClass = new ConnectionSet[classes];
        var decidedToClass = new ConnectionSet[classes];
        var allowedToAtom = new ConnectionSet[atoms];
        var decidedToAtom = new ConnectionSet[atoms];
        for (var c = 0; c < classes; c++)
        {
            var (allowed, denied, _) = Cell(rules, direction, subject, c, atom: false);
            allowedToClass[c] = allowed;
            decidedToClass[c] = pool.Union(allowed, denied);
        }

        for (var a = 0; a < atoms; a++)
        {
            var (allowed, denied, _) = Cell(rules, direction, subject, a, atom: true);
            allowedToAtom[a] = allowed;
            decidedToAtom[a] = pool.Union(allowed, denied);
        }

        return new TierRow(allowedToClass, allowedToAtom, decidedToClass, decidedToAtom);
    }

    /// <summary>
    /// Warns about policies of equal priority that can match the same connection: upstream leaves their order
    /// undefined. Bulwark evaluates them by name, and says whether their actions differ where they overlap.
    /// </summary>
    private void CheckEqualPriorities()
    {
        var universe = Universe;
        for (var i = 0; i < _policies.Count; i++)
        {
            for (var j = i + 1; j < _policies.Count && _policies[j].Priority == _policies[i].Priority; j++)
            {
                if (_policies[i].Priority is null)
                {
                    continue;
                }

                var warning = Overlap(i, j, universe);
                if (warning is not null)
                {
                    _warnings.Add(warning);
                }
            }
        }
    }

    private string? Overlap(int i, int j, AnalysisUniverse universe)
    {
        var a = _policies[i];
        var b = _policies[j];
        foreach (var direction in new[] { TrafficDirection.Ingress, TrafficDirection.Egress })
        {
            if (a.Rules(direction).Count == 0 || b.Rules(direction).Count == 0)
            {
                continue;
            }

            // What a rule matches depends on the subject only through named ports resolved on it (ingress): one
            // subject per port list is enough.
            var named = direction == TrafficDirection.Ingress && RuleIds(i, direction).Concat(RuleIds(j, direction)).Any(r => _rules[r].HasNamedPorts);
            var subjects = universe.Classes.Where(c => _selecting[c.Index].Contains(i) && _selecting[c.Index].Contains(j))
                .GroupBy(c => named ? c.PortKey : 0).Select(g => g.First());
            foreach (var subject in subjects)
            {
                for (var peer = 0; peer < universe.Classes.Count + universe.External.Atoms.Count; peer++)
                {
                    var atom = peer >= universe.Classes.Count;
                    var index = atom ? peer - universe.Classes.Count : peer;
                    var x = Cell(RuleIds(i, direction), direction, subject, index, atom);
                    var y = Cell(RuleIds(j, direction), direction, subject, index, atom);
                    var xs = x.Allowed.Union(x.Denied).Union(x.Passed);
                    var ys = y.Allowed.Union(y.Denied).Union(y.Passed);
                    var both = xs.Intersect(ys);
                    if (both.IsEmpty)
                    {
                        continue;
                    }

                    var differ = !x.Allowed.Intersect(y.Denied.Union(y.Passed)).IsEmpty ||
                        !x.Denied.Intersect(y.Allowed.Union(y.Passed)).IsEmpty ||
                        !x.Passed.Intersect(y.Allowed.Union(y.Denied)).IsEmpty;
                    var peerText = atom ? universe.External.Atoms[index].ToString() : universe.Classes[index].Representative.Ref.ToString();
                    var word = direction == TrafficDirection.Ingress ? "from" : "to";
                    return $"{a.Describe()} and {b.Describe()} have the same priority {a.Priority} and both match {direction.Lower()} traffic of " +
                        $"{subject.Representative.Ref} ({word} {peerText} on {both}): upstream leaves their order undefined, so an implementation may apply either; " +
                        (differ
                            ? $"their actions differ there, so the verdict depends on the implementation. Bulwark evaluates {a.Name} first (by name)"
                            : $"they act alike there. Bulwark evaluates {a.Name} first (by name)");
                }
            }
        }

        return null;
    }

    /// <summary>Warns about named ports no destination pod declares.</summary>
    private void CheckNamedPorts()
    {
        var universe = Universe;
        for (var r = 0; r < _rules.Count; r++)
        {
            var rule = _rules[r];
            if (!rule.HasNamedPorts || rule.MatchesEverything)
            {
                continue;
            }

            IEnumerable<EndpointClass> destinations = rule.Direction == TrafficDirection.Ingress
                ? universe.Classes.Where(c => _selecting[c.Index].Contains(_policies.IndexOf(rule.Policy)))
                : universe.Classes.Where(c => _matchedClasses[r][c.Index]);
            foreach (var port in rule.Ports!.Where(p => p.IsNamed))
            {
                var list = destinations.ToList();
                if (list.Count > 0 && !list.Any(c => c.Ports.Any(p => p.Name == port.Name)))
                {
                    _warnings.Add($"{rule.Policy.Describe()} {rule.Label}: port \"{port.Name}\" matches no container port of any {(rule.Direction == TrafficDirection.Ingress ? "subject" : "destination")} pod: the entry matches nothing");
                }
            }
        }
    }
}
