using System.Text;
using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// The networking.k8s.io/v1 NetworkPolicy tier. A subject is isolated in a direction when some policy selecting
/// it has that direction in its (defaulted) policyTypes; then the tier decides every connection: it allows exactly
/// the union of the rules of those policies and denies the rest. A subject no policy isolates is left to the next
/// tier. Rows are computed once per distinct set of applicable rules.
/// </summary>
public sealed class NetworkPolicyTier : IPolicyTier
{
    private readonly NetworkModel _model;
    private readonly List<string> _warnings = new();
    private readonly Dictionary<string, TierRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Rule, int PortKey), ConnectionSet> _namedPorts = new();
    private AnalysisUniverse? _universe;
    private List<PolicyRule> _rules = new();
    private Dictionary<PolicyRule, int> _ruleIds = new();
    private int[][] _matchedClasses = [];
    private int[][] _matchedAtoms = [];
    private ConnectionSet?[] _numericPorts = [];
    private List<NetworkPolicyV1>[] _selecting = [];

    public NetworkPolicyTier(NetworkModel model) => _model = model;

    public string Name => "NetworkPolicy";

    public IReadOnlyList<string> Warnings => _warnings;

    public IEnumerable<IpRange> AddressBoundaries =>
        _model.Policies.SelectMany(p => p.IngressRules.Concat(p.EgressRules))
            .SelectMany(r => r.Peers ?? [])
            .Where(peer => peer.IpBlock is not null)
            .SelectMany(peer => peer.IpBlock!.Except.Select(e => e.Range).Prepend(peer.IpBlock.Cidr.Range));

    public bool Evaluates(KubeObject obj) => NetworkPolicyReader.IsNetworkPolicy(obj);

    public void Prepare(AnalysisUniverse universe)
    {
        _universe = universe;
        _rules = _model.Policies.SelectMany(p => p.IngressRules.Concat(p.EgressRules)).ToList();
        _ruleIds = _rules.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        _matchedClasses = new int[_rules.Count][];
        _matchedAtoms = new int[_rules.Count][];
        _numericPorts = new ConnectionSet?[_rules.Count];
        for (var i = 0; i < _rules.Count; i++)
        {
            _matchedClasses[i] = MatchClasses(_rules[i]);
            _matchedAtoms[i] = MatchAtoms(_rules[i]);
        }

        _selecting = new List<NetworkPolicyV1>[universe.Classes.Count];
        for (var c = 0; c < _selecting.Length; c++)
        {
            _selecting[c] = new List<NetworkPolicyV1>();
        }

        foreach (var policy in _model.Policies)
        {
            foreach (var cls in universe.ClassesByNamespace.GetValueOrDefault(policy.Namespace) ?? [])
            {
                if (policy.PodSelector.Matches(cls.Labels))
                {
                    _selecting[cls.Index].Add(policy);
                }
            }
        }

        CheckNamedPorts();
    }

    /// <summary>The policies selecting a class that isolate it in a direction.</summary>
    public IEnumerable<NetworkPolicyV1> Isolating(TrafficDirection direction, EndpointClass subject) =>
        _selecting[subject.Index].Where(p => p.Isolates(direction));

    public bool Governs(TrafficDirection direction, EndpointClass subject) => _selecting[subject.Index].Exists(p => p.Isolates(direction));

    public TierRow? Row(TrafficDirection direction, EndpointClass subject)
    {
        var policies = _selecting[subject.Index].Where(p => p.Isolates(direction)).ToList();
        if (policies.Count == 0)
        {
            return null;
        }

        var rules = policies.SelectMany(p => p.Rules(direction)).Select(r => _ruleIds[r]).ToList();
        var named = direction == TrafficDirection.Ingress && rules.Any(r => _rules[r].HasNamedPorts);
        var key = new StringBuilder().Append(direction == TrafficDirection.Ingress ? 'I' : 'E').Append(named ? subject.PortKey : -1);
        foreach (var r in rules)
        {
            key.Append(',').Append(r);
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
        var policies = _model.PoliciesSelecting(subject).Where(p => p.Isolates(direction)).ToList();
        if (policies.Count == 0)
        {
            return [];
        }

        var decisions = new List<TierDecision>();
        var allowed = ConnectionSet.None;
        foreach (var rule in policies.SelectMany(p => p.Rules(direction)))
        {
            if (!Admits(rule, peer))
            {
                continue;
            }

            var destination = direction == TrafficDirection.Ingress ? subject : (peer as WorkloadEndpoint)?.Workload;
            var ports = Ports(rule, destination);
            if (ports.IsEmpty)
            {
                continue;
            }

            allowed = allowed.Union(ports);
            decisions.Add(new TierDecision(Name, TierVerdict.Allow, ports, rule.Policy.Source, rule.Policy.Ref, rule.Label, rule.Index, rule.Describe(), rule.Pointer));
        }

        var denied = allowed.Complement();
        if (!denied.IsEmpty)
        {
            var names = string.Join(", ", policies.Select(p => p.Ref));
            decisions.Add(new TierDecision(Name, TierVerdict.Deny, denied, null, null, null, null,
                $"{subject.Ref} is isolated for {direction.Lower()} by NetworkPolicy {names}, and no {direction.Lower()} rule of {(policies.Count == 1 ? "it" : "them")} admits this"));
        }

        return decisions;
    }

    private AnalysisUniverse Universe => _universe ?? throw new InvalidOperationException("Prepare the tier first.");

    /// <summary>Whether a rule's peers admit an endpoint (any peer when the rule has none).</summary>
    private bool Admits(PolicyRule rule, Endpoint peer)
    {
        if (rule.Peers is null)
        {
            return true;
        }

        return peer switch
        {
            WorkloadEndpoint w => rule.Peers.Any(p => PeerMatches(p, rule.Policy.Namespace, w.Workload)),
            ExternalEndpoint e => rule.Peers.Any(p => p.IpBlock is { } block && e.Addresses.IsSubsetOf(block.Addresses)),
            _ => false,
        };
    }

    private bool PeerMatches(PolicyPeer peer, string policyNamespace, Workload workload)
    {
        if (peer.IpBlock is { } block)
        {
            return Universe.Options.IpBlockMatchesPods && workload.PodAddresses.Count > 0 &&
                workload.PodAddresses.All(a => block.Addresses.Contains(a));
        }

        return peer.MatchesPods(policyNamespace, _model.Namespace(workload.Namespace), workload.Labels);
    }

    /// <summary>The ports a rule admits towards a destination (null: an external address, where named ports cannot resolve).</summary>
    private static ConnectionSet Ports(PolicyRule rule, Workload? destination)
    {
        if (rule.Ports is null)
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
        if (!rule.HasNamedPorts)
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

    private TierRow BuildRow(TrafficDirection direction, EndpointClass subject, List<int> rules)
    {
        var pool = Universe.Pool;
        var toClass = new ConnectionSet[Universe.Classes.Count];
        var toAtom = new ConnectionSet[Universe.External.Atoms.Count];
        Array.Fill(toClass, pool.None);
        Array.Fill(toAtom, pool.None);
        foreach (var r in rules)
        {
            if (direction == TrafficDirection.Ingress)
            {
                // The destination is the subject: the rule's ports are the same for every source.
                var ports = PortsToClass(r, subject);
                if (ports.IsEmpty)
                {
                    continue;
                }

                foreach (var c in _matchedClasses[r])
                {
                    toClass[c] = pool.Union(toClass[c], ports);
                }

                foreach (var a in _matchedAtoms[r])
                {
                    toAtom[a] = pool.Union(toAtom[a], ports);
                }
            }
            else
            {
                foreach (var c in _matchedClasses[r])
                {
                    toClass[c] = pool.Union(toClass[c], PortsToClass(r, Universe.Classes[c]));
                }

                var external = PortsToExternal(r);
                if (!external.IsEmpty)
                {
                    foreach (var a in _matchedAtoms[r])
                    {
                        toAtom[a] = pool.Union(toAtom[a], external);
                    }
                }
            }
        }

        return new TierRow(toClass, toAtom, null, null);
    }

    private int[] MatchClasses(PolicyRule rule)
    {
        var classes = Universe.Classes;
        if (rule.Peers is null)
        {
            return Enumerable.Range(0, classes.Count).ToArray();
        }

        var marked = new bool[classes.Count];
        foreach (var peer in rule.Peers)
        {
            foreach (var index in PeerClasses(peer, rule.Policy.Namespace))
            {
                marked[index] = true;
            }
        }

        var result = new List<int>();
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked[i])
            {
                result.Add(i);
            }
        }

        return result.ToArray();
    }

    /// <summary>
    /// The classes a pod peer matches, memoised by the policy's namespace and the peer's canonical text: thousands of
    /// policies repeat the same peers (namespaceSelector: {}, a namespace by name, app=x), each a walk over every class.
    /// </summary>
    private int[] PeerClasses(PolicyPeer peer, string policyNamespace)
    {
        var key = (policyNamespace, PolicyText.Describe(peer, policyNamespace));
        if (_peerClasses.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var classes = Universe.Classes;
        IEnumerable<EndpointClass> candidates;
        if (peer.IpBlock is not null)
        {
            candidates = Universe.Options.IpBlockMatchesPods ? classes : [];
        }
        else if (peer.NamespaceSelector is null)
        {
            candidates = Universe.ClassesByNamespace.GetValueOrDefault(policyNamespace) ?? [];
        }
        else
        {
            candidates = Universe.ClassesByNamespace
                .Where(kv => peer.NamespaceSelector.Matches(_model.Namespace(kv.Key).Labels))
                .SelectMany(kv => kv.Value);
        }

        var result = candidates.Where(cls => PeerMatches(peer, policyNamespace, cls.Representative)).Select(cls => cls.Index).ToArray();
        _peerClasses[key] = result;
        return result;
    }

    private readonly Dictionary<(string Namespace, string Peer), int[]> _peerClasses = new();

    private int[] MatchAtoms(PolicyRule rule)
    {
        var external = Universe.External;
        if (rule.Peers is null)
        {
            return Enumerable.Range(0, external.Atoms.Count).ToArray();
        }

        var atoms = new SortedSet<int>();
        foreach (var peer in rule.Peers)
        {
            if (peer.IpBlock is { } block)
            {
                atoms.UnionWith(external.AtomsIn(block.Addresses));
            }
        }

        return atoms.ToArray();
    }

    /// <summary>Warns about named ports that resolve nowhere, and about ipBlocks partly covering a workload's pod IPs.</summary>
    private void CheckNamedPorts()
    {
        for (var r = 0; r < _rules.Count; r++)
        {
            var rule = _rules[r];
            foreach (var port in rule.Ports?.Where(p => p.IsNamed) ?? [])
            {
                var where = $"NetworkPolicy {rule.Policy.Ref} {rule.Label}: port \"{port.Name}\" ({port.Protocol.Name()})";
                if (rule.Direction == TrafficDirection.Ingress)
                {
                    foreach (var cls in Universe.ClassesByNamespace.GetValueOrDefault(rule.Policy.Namespace) ?? [])
                    {
                        if (rule.Policy.PodSelector.Matches(cls.Labels) && !cls.Representative.PortsNamed(port.Name!, port.Protocol).Any())
                        {
                            foreach (var w in cls.Members)
                            {
                                _warnings.Add($"{where} matches no container port of {w.Ref}: the entry admits nothing there");
                            }
                        }
                    }
                }
                else
                {
                    if (_matchedClasses[r].Length > 0 && !_matchedClasses[r].Any(c => Universe.Classes[c].Representative.PortsNamed(port.Name!, port.Protocol).Any()))
                    {
                        _warnings.Add($"{where} matches no container port of any destination pod: the entry admits nothing");
                    }

                    if (rule.Peers?.Any(p => p.IpBlock is not null) == true)
                    {
                        _warnings.Add($"{where}: a named port cannot be resolved for ipBlock addresses; the entry admits nothing towards them");
                    }
                }
            }

            if (Universe.Options.IpBlockMatchesPods)
            {
                foreach (var peer in rule.Peers?.Where(p => p.IpBlock is not null) ?? [])
                {
                    foreach (var w in _model.Workloads.Where(w => w.PodAddresses.Count > 0))
                    {
                        var inside = w.PodAddresses.Count(a => peer.IpBlock!.Addresses.Contains(a));
                        if (inside > 0 && inside < w.PodAddresses.Count)
                        {
                            _warnings.Add($"NetworkPolicy {rule.Policy.Ref} {rule.Label}: {peer.IpBlock} holds {inside} of the {w.PodAddresses.Count} pod IPs of {w.Ref}; the workload is not matched");
                        }
                    }
                }
            }
        }
    }
}
