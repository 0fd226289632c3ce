using System.Globalization;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Gaps;

/// <summary>
/// Finds the coverage gaps of spec/NETPOL.md 1.6 with the evaluator, so that every tier it composes counts:
/// namespaces without a default deny per direction, workloads no policy selects per direction, workloads that may
/// reach addresses outside the cluster ranges, policies that select nothing, rules (peers, named ports) that can
/// never match, and workloads of sensitive namespaces reachable from other namespaces or external addresses.
/// Everything is computed per endpoint class (workloads no policy can tell apart), never over the full pair matrix:
/// only the pairs into sensitive namespaces are evaluated.
/// </summary>
public static class GapAnalyzer
{
    private const int ListedInMessage = 3;

    public static GapReport Analyze(PolicyEvaluator evaluator, GapOptions? options = null)
    {
        options ??= GapOptions.Default;
        var context = new Context(evaluator, options);
        var gaps = new List<Gap>();
        NamespaceGaps(context, gaps);
        WorkloadGaps(context, gaps);
        InternetEgressGaps(context, gaps);
        var unresolved = new List<UnresolvedPeer>();
        PolicyGaps(context, gaps, unresolved);
        SensitiveNamespaceGaps(context, gaps);

        var ordered = gaps.Select((g, i) => (g, i)).OrderBy(x => x.g.Kind).ThenBy(x => x.i).Select(x => x.g).ToList();
        var model = evaluator.Model;
        var assumptions = evaluator.Assumptions.Concat(
        [
            ("clusterCidrs", string.Join(", ", options.ClusterCidrs.Select(c => c.ToString())) + " (addresses outside them count as the internet)"),
            ("sensitiveNamespaces", options.SensitiveNamespaces.Count == 0 ? "none" : string.Join(", ", options.SensitiveNamespaces)),
            ("inputCoverage", "a selector is judged only against namespaces of the input that hold workloads; peers selecting other namespaces are listed as unresolved, not as gaps"),
        ]).ToList();
        return new GapReport(assumptions, ordered, model.Workloads.Where(w => w.HostNetwork).ToList(), unresolved, evaluator.NotEvaluated,
            evaluator.Warnings, model.Problems.Where(p => p.IsError).ToList());
    }

    private sealed class Context
    {
        private readonly bool[] _ingressIsolated;
        private readonly bool[] _egressIsolated;

        public Context(PolicyEvaluator evaluator, GapOptions options)
        {
            Evaluator = evaluator;
            Options = options;
            Sensitive = options.SensitiveNamespaces.ToHashSet(StringComparer.Ordinal);
            var classes = evaluator.Universe.Classes;
            _ingressIsolated = new bool[classes.Count];
            _egressIsolated = new bool[classes.Count];
            foreach (var cls in classes)
            {
                // Isolated: some tier decides part of the class's traffic in that direction (a NetworkPolicy selects it
                // with the direction in its policyTypes, or an admin-tier policy applies to it).
                _ingressIsolated[cls.Index] = evaluator.IsGoverned(TrafficDirection.Ingress, cls);
                _egressIsolated[cls.Index] = evaluator.IsGoverned(TrafficDirection.Egress, cls);
            }
        }

        public PolicyEvaluator Evaluator { get; }

        /// <summary>
        /// Peer verdicts by policy namespace and peer text: the same peer shapes recur across thousands of policies
        /// (namespaceSelector: {}, a namespace by name, app=x), and judging one walks every selected workload.
        /// </summary>
        public Dictionary<(string Namespace, string Peer), PeerVerdict> PeerVerdicts { get; } = new();

        public GapOptions Options { get; }

        public HashSet<string> Sensitive { get; }

        public NetworkModel Model => Evaluator.Model;

        public AnalysisUniverse Universe => Evaluator.Universe;

        public bool Isolated(TrafficDirection direction, EndpointClass cls) =>
            (direction == TrafficDirection.Ingress ? _ingressIsolated : _egressIsolated)[cls.Index];
    }

    private static readonly TrafficDirection[] Directions = [TrafficDirection.Ingress, TrafficDirection.Egress];

    // (a) Namespace lacks default-deny: no policy of the namespace has podSelector {}, the direction in its defaulted
    // policyTypes and no rule for it. The softer variant (some workload not isolated) sets the severity.
    private static void NamespaceGaps(Context context, List<Gap> gaps)
    {
        var model = context.Model;
        var denied = new HashSet<(string, TrafficDirection)>();
        foreach (var policy in model.Policies)
        {
            foreach (var direction in Directions)
            {
                if (policy.IsDefaultDeny(direction))
                {
                    denied.Add((policy.Namespace, direction));
                }
            }
        }

        foreach (var ns in model.Namespaces.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var workloads = model.WorkloadsIn(ns.Name).Where(w => !w.HostNetwork).ToList();
            foreach (var direction in Directions)
            {
                if (denied.Contains((ns.Name, direction)))
                {
                    continue;
                }

                var open = workloads.Count(w => !context.Isolated(direction, context.Universe.ClassOf(w)!));
                var sensitive = context.Sensitive.Contains(ns.Name);
                var severity = open > 0 ? Severity.Medium : Severity.Low;
                if (sensitive)
                {
                    severity++;
                }

                var dir = direction.Lower();
                var detail = open > 0
                    ? $": {open.ToString(CultureInfo.InvariantCulture)} of its {Count(workloads.Count, "workload")} {(open == 1 ? "is" : "are")} not isolated for {dir}"
                    : workloads.Count > 0
                        ? $"; its workloads are isolated by other policies, but a new workload would not be"
                        : string.Empty;
                var (target, pointer) = NamespaceTarget(model, ns);
                gaps.Add(new Gap
                {
                    Kind = GapKind.NamespaceWithoutDefaultDeny,
                    Severity = severity,
                    Object = target,
                    Pointer = pointer,
                    Namespace = ns.Name,
                    Direction = direction,
                    Message = $"namespace \"{ns.Name}\"{(sensitive ? " (sensitive)" : string.Empty)} has no default-deny NetworkPolicy for {dir}{detail}",
                    Hint = $"add a NetworkPolicy to namespace {ns.Name} with podSelector: {{}}, policyTypes: [{direction}] and no {dir} rules " +
                        "(or one denying both directions), then allow the traffic each workload needs" +
                        (direction == TrafficDirection.Egress ? ", DNS included" : string.Empty),
                });
            }
        }
    }

    /// <summary>Where a namespace gap is reported: the Namespace object, else the first object of the namespace (its namespace field).</summary>
    private static (KubeObject Target, string Pointer) NamespaceTarget(NetworkModel model, NetworkNamespace ns)
    {
        if (ns.Source is { } source)
        {
            return (source, "/metadata/name");
        }

        var first = model.WorkloadsIn(ns.Name).Select(w => w.Source).FirstOrDefault()
            ?? model.Policies.Where(p => p.Namespace == ns.Name).Select(p => p.Source).FirstOrDefault()
            ?? model.Services.Where(s => s.Namespace == ns.Name).Select(s => s.Source).First();
        return (first, "/metadata/namespace");
    }

    // (b) Workload selected by no policy, per direction.
    private static void WorkloadGaps(Context context, List<Gap> gaps)
    {
        foreach (var w in context.Model.Workloads)
        {
            if (context.Universe.ClassOf(w) is not { } cls)
            {
                continue; // hostNetwork: policy effect unknown, listed apart
            }

            foreach (var direction in Directions)
            {
                if (context.Isolated(direction, cls))
                {
                    continue;
                }

                var ingress = direction == TrafficDirection.Ingress;
                gaps.Add(new Gap
                {
                    Kind = GapKind.WorkloadNotIsolated,
                    Severity = ingress ? Severity.Medium : Severity.Low,
                    Object = w.Source,
                    Pointer = "/metadata/name",
                    Namespace = w.Namespace,
                    Workload = w,
                    Direction = direction,
                    Message = ingress
                        ? $"{w.Ref} is not protected on ingress: no policy selects it, so every pod and address may connect to it"
                        : $"{w.Ref} is not protected on egress: no policy selects it, so it may connect to every pod and address",
                    Hint = $"select it with a NetworkPolicy that has {direction} in policyTypes (a default deny for the namespace does), and allow only the {(ingress ? "clients" : "destinations")} it needs",
                });
            }
        }
    }

    // (c) May reach the internet: egress allowed to some address outside the cluster ranges. External atoms are cut at
    // every ipBlock boundary, so an atom is allowed or denied as a whole: its part outside the cluster ranges is reachable.
    private static void InternetEgressGaps(Context context, List<Gap> gaps)
    {
        var universe = context.Universe;
        var atoms = universe.External.Atoms;
        var cluster = context.Options.ClusterRanges;
        var outside = new IpRangeSet?[atoms.Count];
        for (var a = 0; a < atoms.Count; a++)
        {
            var part = IpRangeSet.Of(atoms[a]).Subtract(cluster);
            outside[a] = part.IsEmpty ? null : part;
        }

        var internet = cluster.Complement();

        // What a class may reach outside depends only on its egress rows, which classes share: compute once per rows.
        var byRows = new Dictionary<TierRow?[], List<ExternalReach>>(RowsComparer.Instance);
        foreach (var cls in universe.Classes)
        {
            var rows = context.Evaluator.Rows(TrafficDirection.Egress, cls);
            if (!byRows.TryGetValue(rows, out var reach))
            {
                byRows[rows] = reach = ExternalReachOf(context, cls, outside);
            }

            if (reach.Count == 0)
            {
                continue;
            }

            var text = string.Join(" | ", reach.Take(ListedInMessage).Select(r => $"{Addresses(r.Addresses, internet)} on {Connections(r.Allowed)}"))
                + (reach.Count > ListedInMessage ? $" | and {Count(reach.Count - ListedInMessage, "more group")} of ranges" : string.Empty);
            var severity = InternetSeverity(reach, internet);
            var isolated = context.Isolated(TrafficDirection.Egress, cls);
            foreach (var w in cls.Members)
            {
                gaps.Add(new Gap
                {
                    Kind = GapKind.WorkloadInternetEgress,
                    Severity = severity,
                    Object = w.Source,
                    Pointer = "/metadata/name",
                    Namespace = w.Namespace,
                    Workload = w,
                    Direction = TrafficDirection.Egress,
                    External = reach,
                    Message = $"{w.Ref} may reach the internet{(isolated ? string.Empty : " (no policy restricts its egress)")}: {text}",
                    Hint = severity == Severity.Info
                        ? "nothing to change if each of these external networks and ports is a service it needs"
                        : isolated
                        ? "narrow the egress rules that admit these addresses (an empty 'to', or an ipBlock reaching beyond the cluster ranges) to the external services it needs, or route them through an egress proxy"
                        : "add a default-deny egress policy for its namespace, then allow DNS and the destinations it needs",
                });
            }
        }
    }

    /// <summary>
    /// How open a workload's internet egress is: medium when some external range is open to every port and protocol
    /// (no egress isolation, or a rule without ports); low when some ports are open to the internet at large (at least
    /// half of the addresses outside the cluster ranges of a family: an empty <c>to</c>, 0.0.0.0/0 with excepts);
    /// info when only some ports to specific external networks are open, the allow-list NET-2 asks for (listed for
    /// review; scan does not report it).
    /// </summary>
    private static Severity InternetSeverity(List<ExternalReach> reach, IpRangeSet internet)
    {
        if (reach.Any(r => r.Allowed.IsAll))
        {
            return Severity.Medium;
        }

        var all = IpRangeSet.FromRanges(reach.SelectMany(r => r.Addresses.Ranges));
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            var outside = Size(internet, family);
            if (outside > 0 && Size(all, family) * 2 >= outside)
            {
                return Severity.Low;
            }
        }

        return Severity.Info;
    }

    private static double Size(IpRangeSet set, IpFamily family) =>
        set.Ranges.Where(r => r.Family == family).Sum(r => (double)(r.End - r.Start) + 1);

    /// <summary>The external addresses outside the cluster ranges a class may send to, grouped by connections.</summary>
    private static List<ExternalReach> ExternalReachOf(Context context, EndpointClass cls, IpRangeSet?[] outside)
    {
        var groups = new Dictionary<ConnectionSet, List<IpRange>>();
        var order = new List<ConnectionSet>();
        for (var a = 0; a < outside.Length; a++)
        {
            if (outside[a] is not { } part)
            {
                continue;
            }

            var allowed = context.Evaluator.DirectionalExternal(TrafficDirection.Egress, cls, a);
            if (allowed.IsEmpty)
            {
                continue;
            }

            if (!groups.TryGetValue(allowed, out var ranges))
            {
                groups[allowed] = ranges = new List<IpRange>();
                order.Add(allowed);
            }

            ranges.AddRange(part.Ranges);
        }

        return order.Select(c => new ExternalReach(IpRangeSet.FromRanges(groups[c]), c)).ToList();
    }

    /// <summary>Compares tier row arrays by the identity of their rows (rows are shared between classes).</summary>
    private sealed class RowsComparer : IEqualityComparer<TierRow?[]>
    {
        public static readonly RowsComparer Instance = new();

        public bool Equals(TierRow?[]? x, TierRow?[]? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (x is null || y is null || x.Length != y.Length)
            {
                return false;
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (!ReferenceEquals(x[i], y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(TierRow?[] obj)
        {
            var hash = new HashCode();
            foreach (var row in obj)
            {
                hash.Add(row is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(row));
            }

            return hash.ToHashCode();
        }
    }

    // (d) Policies that select nothing and (e) rules, peers and named ports that can never match.
    private static void PolicyGaps(Context context, List<Gap> gaps, List<UnresolvedPeer> unresolved)
    {
        var model = context.Model;
        foreach (var policy in model.Policies)
        {
            var inNamespace = model.WorkloadsIn(policy.Namespace);
            var selected = inNamespace.Where(w => policy.PodSelector.Matches(w.Labels)).ToList();
            if (inNamespace.Count > 0 && selected.Count == 0)
            {
                gaps.Add(new Gap
                {
                    Kind = GapKind.PolicySelectsNothing,
                    Severity = Severity.Low,
                    Object = policy.Source,
                    Pointer = "/spec/podSelector",
                    Namespace = policy.Namespace,
                    Policy = policy,
                    Message = $"NetworkPolicy {policy.Ref} selects no workload: no workload of namespace {policy.Namespace} ({inNamespace.Count.ToString(CultureInfo.InvariantCulture)} in the input) matches podSelector {PolicyText.Selector(policy.PodSelector)}",
                    Hint = "fix the podSelector to the labels of the pods it is meant for (pod template labels, not the workload's own labels), or delete the policy",
                });
                continue; // its rules apply to nobody
            }

            foreach (var rule in policy.IngressRules.Concat(policy.EgressRules))
            {
                CheckRule(context, rule, inNamespace.Count > 0 ? selected : null, gaps, unresolved);
            }
        }
    }

    private enum PeerState
    {
        Matches,
        Nothing,
        Unresolved,
    }

    private sealed record PeerVerdict(PolicyPeer Peer, PeerState State, List<Workload> Matched, string Reason);

    /// <param name="selected">The workloads the policy selects; null when its namespace has no workload in the input.</param>
    private static void CheckRule(Context context, PolicyRule rule, List<Workload>? selected, List<Gap> gaps, List<UnresolvedPeer> unresolved)
    {
        var policy = rule.Policy;
        var verdicts = (rule.Peers ?? []).Select(p => JudgePeer(context, policy, p)).ToList();
        foreach (var v in verdicts.Where(v => v.State == PeerState.Unresolved))
        {
            unresolved.Add(new UnresolvedPeer(rule, v.Peer, v.Reason));
        }

        var deadPorts = new List<(PolicyPort Port, string Reason)>();
        foreach (var port in rule.Ports?.Where(p => p.IsNamed) ?? [])
        {
            if (DeadNamedPort(context, rule, port, verdicts, selected) is { } reason)
            {
                deadPorts.Add((port, reason));
            }
        }

        var deadPeers = verdicts.Where(v => v.State == PeerState.Nothing).ToList();
        var peersDead = rule.Peers is not null && deadPeers.Count == verdicts.Count;
        var portsDead = rule.Ports is not null && deadPorts.Count == rule.Ports.Count;
        var where = $"{rule.Label} of NetworkPolicy {policy.Ref}";
        if (peersDead || portsDead)
        {
            var reasons = (peersDead ? deadPeers.Select(v => v.Reason) : []).Concat(portsDead ? deadPorts.Select(p => p.Reason) : []);
            gaps.Add(RuleGap(rule, rule.Pointer, "rule", $"{where} can never match: {string.Join("; ", reasons)}",
                "fix the selectors or port names to those of the pods it is meant for, or delete the rule"));
            return;
        }

        foreach (var v in deadPeers)
        {
            gaps.Add(RuleGap(rule, v.Peer.Pointer, "peer", $"a peer of {where} never matches: {v.Reason}",
                "fix the peer's selectors (namespaces are matched by their labels, kubernetes.io/metadata.name for the name) or ipBlock, or delete it"));
        }

        foreach (var (port, reason) in deadPorts)
        {
            gaps.Add(RuleGap(rule, port.Pointer, "port", $"a port entry of {where} never matches: {reason}",
                "use a port name (and protocol) that the destination pods declare in containers[].ports, or a number"));
        }
    }

    private static Gap RuleGap(PolicyRule rule, string pointer, string part, string message, string hint) => new()
    {
        Kind = GapKind.RuleNeverMatches,
        Severity = Severity.Low,
        Object = rule.Policy.Source,
        Pointer = pointer,
        Namespace = rule.Policy.Namespace,
        Policy = rule.Policy,
        Rule = rule,
        Direction = rule.Direction,
        Part = part,
        Message = message,
        Hint = hint,
    };

    private static PeerVerdict JudgePeer(Context context, NetworkPolicyV1 policy, PolicyPeer peer)
    {
        var text = PolicyText.Describe(peer, policy.Namespace);
        var key = (policy.Namespace, text);
        if (!context.PeerVerdicts.TryGetValue(key, out var verdict))
        {
            context.PeerVerdicts[key] = verdict = JudgeNewPeer(context, policy, peer, text);
        }

        return verdict.Peer == peer ? verdict : verdict with { Peer = peer };
    }

    private static PeerVerdict JudgeNewPeer(Context context, NetworkPolicyV1 policy, PolicyPeer peer, string text)
    {
        var model = context.Model;
        if (peer.IpBlock is { } block)
        {
            return block.Addresses.IsEmpty
                ? new PeerVerdict(peer, PeerState.Nothing, [], $"{block} excepts every address of its cidr")
                : new PeerVerdict(peer, PeerState.Matches, [], string.Empty);
        }

        var namespaces = peer.NamespaceSelector is null
            ? [model.Namespace(policy.Namespace)]
            : model.Namespaces.Values.Where(n => peer.NamespaceSelector.Matches(n.Labels)).ToList();
        if (namespaces.Count == 0)
        {
            return new PeerVerdict(peer, PeerState.Unresolved, [], "no namespace of the input matches its namespaceSelector");
        }

        var populated = namespaces.Where(n => model.WorkloadsIn(n.Name).Count > 0).ToList();
        if (populated.Count == 0)
        {
            return new PeerVerdict(peer, PeerState.Unresolved, [], "the namespaces it selects have no workload in the input");
        }

        var matched = populated.SelectMany(n => model.WorkloadsIn(n.Name))
            .Where(w => peer.PodSelector is null || peer.PodSelector.Matches(w.Labels)).ToList();
        if (matched.Count > 0)
        {
            return new PeerVerdict(peer, PeerState.Matches, matched, string.Empty);
        }

        var names = string.Join(", ", populated.Select(n => n.Name).Take(ListedInMessage)) + (populated.Count > ListedInMessage ? ", ..." : string.Empty);
        return new PeerVerdict(peer, PeerState.Nothing, [], $"{text} matches no workload (looked in namespace{(populated.Count == 1 ? string.Empty : "s")} {names})");
    }

    /// <summary>Why a named port entry can never match, or null when it can (or cannot be judged).</summary>
    private static string? DeadNamedPort(Context context, PolicyRule rule, PolicyPort port, List<PeerVerdict> verdicts, List<Workload>? selected)
    {
        var name = $"port \"{port.Name}\" ({port.Protocol.Name()})";
        IEnumerable<Workload> destinations;
        if (rule.Direction == TrafficDirection.Ingress)
        {
            if (selected is null)
            {
                return null;
            }

            destinations = selected;
            return destinations.Any(w => w.PortsNamed(port.Name!, port.Protocol).Any())
                ? null
                : $"{name} is declared by none of the pods the policy selects";
        }

        if (rule.Peers is null)
        {
            if (context.Model.Workloads.Count == 0)
            {
                return null;
            }

            destinations = context.Model.Workloads;
        }
        else
        {
            if (verdicts.Any(v => v.State == PeerState.Unresolved))
            {
                return null;
            }

            destinations = verdicts.SelectMany(v => v.Matched);
        }

        if (destinations.Any(w => w.PortsNamed(port.Name!, port.Protocol).Any()))
        {
            return null;
        }

        return rule.Peers is not null && rule.Peers.All(p => p.IpBlock is not null)
            ? $"{name} cannot be resolved for ipBlock addresses (a named port is looked up on the destination pod)"
            : $"{name} is declared by none of the destination pods";
    }

    // (f) Workloads of sensitive namespaces reachable from workloads of other namespaces, or from external addresses.
    private static void SensitiveNamespaceGaps(Context context, List<Gap> gaps)
    {
        var universe = context.Universe;
        var atoms = universe.External.Atoms;
        foreach (var ns in context.Sensitive.Order(StringComparer.Ordinal))
        {
            foreach (var dst in universe.ClassesByNamespace.GetValueOrDefault(ns) ?? [])
            {
                var sources = new List<GapSource>();
                foreach (var src in universe.Classes)
                {
                    if (src.Namespace.Name == ns)
                    {
                        continue;
                    }

                    var allowed = context.Evaluator.Allowed(src, dst);
                    if (!allowed.IsEmpty)
                    {
                        sources.AddRange(src.Members.Select(m => new GapSource(new WorkloadEndpoint(m), allowed)));
                    }
                }

                var external = new Dictionary<ConnectionSet, List<IpRange>>();
                var order = new List<ConnectionSet>();
                for (var a = 0; a < atoms.Count; a++)
                {
                    var allowed = context.Evaluator.DirectionalExternal(TrafficDirection.Ingress, dst, a);
                    if (allowed.IsEmpty)
                    {
                        continue;
                    }

                    if (!external.TryGetValue(allowed, out var ranges))
                    {
                        external[allowed] = ranges = new List<IpRange>();
                        order.Add(allowed);
                    }

                    ranges.Add(atoms[a]);
                }

                sources.Sort((x, y) => Endpoint.Compare(x.Source, y.Source));
                var externalSources = order.Select(c => new GapSource(new ExternalEndpoint(IpRangeSet.FromRanges(external[c])), c)).ToList();
                if (sources.Count == 0 && externalSources.Count == 0)
                {
                    continue;
                }

                var all = sources.Concat(externalSources).ToList();
                var severity = SensitiveSeverity(context, sources, externalSources);
                var text = SourcesText(sources, externalSources);
                foreach (var w in dst.Members)
                {
                    // Every pod must resolve names: pods of other namespaces querying the cluster DNS on its DNS ports
                    // is what a sensitive namespace is expected to allow (listed for review, like a strict allow-list).
                    var memberSeverity = severity == Severity.Medium && externalSources.Count == 0 && Generation.DnsServers.IsClusterDns(w) &&
                        sources.All(x => x.Allowed.IsSubsetOf(DnsConnections)) ? Severity.Info : severity;
                    gaps.Add(new Gap
                    {
                        Kind = GapKind.SensitiveNamespaceReachable,
                        Severity = memberSeverity,
                        Object = w.Source,
                        Pointer = "/metadata/name",
                        Namespace = ns,
                        Workload = w,
                        Direction = TrafficDirection.Ingress,
                        Sources = all,
                        Message = $"{w.Ref} in sensitive namespace {ns} can be reached {text}",
                        Hint = severity == Severity.Info
                            ? "nothing to change if each of these sources is an intended client"
                            : context.Isolated(TrafficDirection.Ingress, dst)
                            ? "narrow its ingress rules to the client namespaces and pods that need it (namespaceSelector on kubernetes.io/metadata.name with a podSelector), on the ports they use"
                            : $"add a default-deny ingress policy to namespace {ns}, then allow only the clients that need it",
                    });
                }
            }
        }
    }

    /// <summary>DNS on its standard port and on the one OpenShift's DNS pods listen on.</summary>
    private static readonly ConnectionSet DnsConnections =
        ConnectionSet.Of(Protocol.Udp, 53, 53).Union(ConnectionSet.Of(Protocol.Tcp, 53, 53))
            .Union(ConnectionSet.Of(Protocol.Udp, 5353, 5353)).Union(ConnectionSet.Of(Protocol.Tcp, 5353, 5353));

    /// <summary>
    /// How strict the ingress of a sensitive workload is, judged from who reaches it: high when some source may send
    /// every port and protocol (no ingress isolation, or a rule without ports); medium when external addresses reach
    /// it, or every workload of some other namespace holding two or more (a namespace-wide or cluster-wide allow: the
    /// namespace's next workload will reach it too); info when only some workloads of other namespaces reach it on
    /// some ports, the strict allow-list the hardening guide asks for (listed for review; scan does not report them).
    /// The cluster DNS reached on its DNS ports only is graded info per workload by the caller.
    /// A namespace with one workload is no evidence of a namespace-wide allow, since a rule naming that workload's pods
    /// has the same effect.
    /// </summary>
    private static Severity SensitiveSeverity(Context context, List<GapSource> workloads, List<GapSource> external)
    {
        if (workloads.Concat(external).Any(s => s.Allowed.IsAll))
        {
            return Severity.High;
        }

        if (external.Count > 0)
        {
            return Severity.Medium;
        }

        foreach (var group in workloads.GroupBy(s => ((WorkloadEndpoint)s.Source).Workload.Namespace, StringComparer.Ordinal))
        {
            var total = context.Model.WorkloadsIn(group.Key).Count(w => !w.HostNetwork);
            if (total >= 2 && group.Count() == total)
            {
                return Severity.Medium;
            }
        }

        return Severity.Info;
    }

    /// <summary>"by 3 workloads of 2 other namespaces and by external addresses: a, b and 1 other on UDP 53 | every address on TCP 5432".</summary>
    private static string SourcesText(List<GapSource> workloads, List<GapSource> external)
    {
        var who = new List<string>();
        var groups = new List<string>();
        if (workloads.Count > 0)
        {
            var namespaces = workloads.Select(s => ((WorkloadEndpoint)s.Source).Workload.Namespace).Distinct(StringComparer.Ordinal).Count();
            who.Add($"by {Count(workloads.Count, "workload")} of {Count(namespaces, "other namespace")}");
            groups.AddRange(workloads.GroupBy(s => s.Allowed).Select(g =>
                $"{string.Join(", ", g.Take(2).Select(s => s.Source.ToString()))}{(g.Count() > 2 ? $" and {Count(g.Count() - 2, "other")}" : string.Empty)} on {Connections(g.Key)}"));
        }

        if (external.Count > 0)
        {
            who.Add("by external addresses");
            groups.AddRange(external.Select(s => $"{Addresses(((ExternalEndpoint)s.Source).Addresses, IpRangeSet.All)} on {Connections(s.Allowed)}"));
        }

        return $"{string.Join(" and ", who)}: {string.Join(" | ", groups.Take(ListedInMessage))}{(groups.Count > ListedInMessage ? " | ..." : string.Empty)}";
    }

    private static string Connections(ConnectionSet set) => set.IsAll ? "every port and protocol" : set.ToString();

    private static string Addresses(IpRangeSet set, IpRangeSet internet)
    {
        if (set.Equals(IpRangeSet.All))
        {
            return "every address";
        }

        if (set.Equals(internet))
        {
            return "every address outside the cluster ranges";
        }

        var ranges = set.Ranges;
        return string.Join(", ", ranges.Take(ListedInMessage)) + (ranges.Count > ListedInMessage ? $" and {Count(ranges.Count - ListedInMessage, "more range")}" : string.Empty);
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");
}
