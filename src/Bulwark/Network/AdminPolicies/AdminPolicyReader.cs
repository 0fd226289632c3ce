using System.Globalization;
using System.Text.RegularExpressions;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.AdminPolicies;

/// <summary>
/// Reads the admin-tier policies of policy.networking.k8s.io with the validation of their CRDs
/// (kubernetes-sigs/network-policy-api): AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1,
/// ClusterNetworkPolicy v1alpha2 (and v1beta1, the same shape). An object the API server would reject is reported
/// with the field at fault and not returned. Peers Bulwark cannot evaluate from manifests (nodes, domain names,
/// empty or unknown peers) are read, warned about, and make their rule fail closed (<see cref="AdminRule"/>).
/// </summary>
public static partial class AdminPolicyReader
{
    public const string Group = "policy.networking.k8s.io";

    /// <summary>Whether Bulwark evaluates this object's kind and version.</summary>
    public static bool IsEvaluated(KubeObject obj) => obj.Group == Group && (obj.Kind, Version(obj)) switch
    {
        (AdminPolicy.AdminNetworkPolicyKind, "v1alpha1") => true,
        (AdminPolicy.BaselineAdminNetworkPolicyKind, "v1alpha1") => true,
        (AdminPolicy.ClusterNetworkPolicyKind, "v1alpha2" or "v1beta1") => true,
        _ => false,
    };

    /// <summary>The tier an evaluated object belongs to (a ClusterNetworkPolicy's by its spec.tier; null when unreadable).</summary>
    public static AdminTierKind? TierOf(KubeObject obj) => obj.Kind switch
    {
        AdminPolicy.AdminNetworkPolicyKind => AdminTierKind.Admin,
        AdminPolicy.BaselineAdminNetworkPolicyKind => AdminTierKind.Baseline,
        _ => obj.Root.GetMapping("spec")?.GetString("tier") switch
        {
            "Admin" => AdminTierKind.Admin,
            "Baseline" => AdminTierKind.Baseline,
            _ => null,
        },
    };

    /// <summary>Reads an object; null (with errors added to <paramref name="problems"/>) when the API server would reject it.</summary>
    public static AdminPolicy? Read(KubeObject obj, List<NetworkProblem> problems) => new Reader(obj, problems).Read();

    private static string Version(KubeObject obj)
    {
        var slash = obj.ApiVersion.IndexOf('/');
        return slash < 0 ? obj.ApiVersion : obj.ApiVersion[(slash + 1)..];
    }

    [GeneratedRegex(@"^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainNamePattern();

    private sealed class Reader
    {
        private readonly KubeObject _obj;
        private readonly List<NetworkProblem> _problems;
        private readonly bool _cnp;
        private readonly bool _banp;
        private readonly int _maxItems;
        private int _errors;

        public Reader(KubeObject obj, List<NetworkProblem> problems)
        {
            _obj = obj;
            _problems = problems;
            _cnp = obj.Kind == AdminPolicy.ClusterNetworkPolicyKind;
            _banp = obj.Kind == AdminPolicy.BaselineAdminNetworkPolicyKind;
            _maxItems = _cnp ? 25 : 100; // rules per direction, peers per rule, ports per rule
        }

        private string What => $"{_obj.Kind} {_obj.Name}";

        public AdminPolicy? Read()
        {
            if (_banp && _obj.Name != "default")
            {
                Error("/metadata/name", $"must be \"default\": BaselineAdminNetworkPolicy is a singleton (got \"{_obj.Name}\")");
            }

            if (Present(_obj.Root.Get("spec")) is not MappingNode spec)
            {
                Error("/spec", _obj.Root.Get("spec") is null or ScalarNode { IsNull: true } ? "Required value" : "must be a mapping");
                return null;
            }

            UnknownFields(spec, "/spec", _cnp ? ["tier", "priority", "subject", "ingress", "egress"] : _banp ? ["subject", "ingress", "egress"] : ["priority", "subject", "ingress", "egress"]);
            var tier = _banp ? AdminTierKind.Baseline : AdminTierKind.Admin;
            if (_cnp)
            {
                switch (Present(spec.Get("tier")))
                {
                    case null:
                        Error("/spec/tier", "Required value: Admin or Baseline");
                        break;
                    case ScalarNode { Value: "Admin" }:
                        break;
                    case ScalarNode { Value: "Baseline" }:
                        tier = AdminTierKind.Baseline;
                        break;
                    case var other:
                        Error("/spec/tier", $"unsupported value \"{(other as ScalarNode)?.Value}\": supported values are \"Admin\" and \"Baseline\"");
                        break;
                }
            }

            int? priority = null;
            if (!_banp)
            {
                priority = Integer(spec.Get("priority"), "/spec/priority", 0, 1000, required: true);
            }

            var subject = Subject(spec.Get("subject"));
            var policy = subject is null ? null : new AdminPolicy(_obj, _obj.Kind, tier, priority, subject);
            foreach (var direction in new[] { TrafficDirection.Ingress, TrafficDirection.Egress })
            {
                var pointer = $"/spec/{direction.Lower()}";
                var node = Present(spec.Get(direction.Lower()));
                if (node is null)
                {
                    continue;
                }

                if (node is not SequenceNode rules)
                {
                    Error(pointer, "must be a list of rules");
                    continue;
                }

                if (rules.Items.Count > _maxItems)
                {
                    Error(pointer, $"Too many: {rules.Items.Count}: must have at most {_maxItems} rules");
                }

                for (var i = 0; i < rules.Items.Count; i++)
                {
                    if (Rule(policy, direction, i, rules.Items[i]) is { } rule)
                    {
                        policy?.Add(rule);
                    }
                }
            }

            return _errors > 0 ? null : policy;
        }

        private AdminSubject? Subject(Node? node)
        {
            const string pointer = "/spec/subject";
            if (Present(node) is not MappingNode map)
            {
                Error(pointer, node is null or ScalarNode { IsNull: true } ? "Required value" : "must be a mapping (namespaces or pods)");
                return null;
            }

            UnknownFields(map, pointer, ["namespaces", "pods"]);
            var namespaces = Present(map.Get("namespaces"));
            var pods = Present(map.Get("pods"));
            if ((namespaces is null) == (pods is null))
            {
                Error(pointer, namespaces is null
                    ? "must specify exactly one of namespaces or pods (neither is set)"
                    : "must specify exactly one of namespaces or pods (both are set)");
                return null;
            }

            if (namespaces is not null)
            {
                return Selector(namespaces, $"{pointer}/namespaces") is { } ns ? new AdminSubject(ns, null) : null;
            }

            return NamespacedPod(pods!, $"{pointer}/pods") is var (nsSelector, podSelector) && nsSelector is not null && podSelector is not null
                ? new AdminSubject(nsSelector, podSelector)
                : null;
        }

        /// <summary>{namespaceSelector, podSelector}: podSelector required; namespaceSelector required in v1alpha1, optional (everything) in ClusterNetworkPolicy.</summary>
        private (LabelSelector? Namespaces, LabelSelector? Pods) NamespacedPod(Node node, string pointer)
        {
            if (node is not MappingNode map)
            {
                Error(pointer, "must be a mapping (namespaceSelector, podSelector)");
                return (null, null);
            }

            UnknownFields(map, pointer, ["namespaceSelector", "podSelector"]);
            LabelSelector? ns = null;
            LabelSelector? pods = null;
            if (map.Get("namespaceSelector") is null && !_cnp)
            {
                Error($"{pointer}/namespaceSelector", "Required value");
            }
            else
            {
                ns = Selector(map.Get("namespaceSelector"), $"{pointer}/namespaceSelector");
            }

            if (map.Get("podSelector") is null)
            {
                Error($"{pointer}/podSelector", "Required value");
            }
            else
            {
                pods = Selector(map.Get("podSelector"), $"{pointer}/podSelector");
            }

            return (ns, pods);
        }

        private AdminRule? Rule(AdminPolicy? policy, TrafficDirection direction, int index, Node node)
        {
            var pointer = $"/spec/{direction.Lower()}/{index}";
            if (node is not MappingNode map)
            {
                Error(pointer, "must be a mapping (a rule)");
                return null;
            }

            var peersKey = direction == TrafficDirection.Ingress ? "from" : "to";
            var portsKey = _cnp ? "protocols" : "ports";
            UnknownFields(map, pointer, ["name", "action", peersKey, portsKey]);
            var before = _errors;
            string? name = null;
            if (Present(map.Get("name")) is { } nameNode)
            {
                name = (nameNode as ScalarNode)?.Value ?? string.Empty;
                if (name.Length > 100)
                {
                    Error($"{pointer}/name", $"Too long: may not be more than 100 characters (has {name.Length})");
                }
            }

            var actionText = (Present(map.Get("action")) as ScalarNode)?.Value;
            AdminAction action = AdminAction.Deny;
            string[] allowed = _cnp ? ["Accept", "Deny", "Pass"] : _banp ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"];
            if (actionText is null)
            {
                Error($"{pointer}/action", $"Required value: {string.Join(", ", allowed)}");
            }
            else if (!allowed.Contains(actionText, StringComparer.Ordinal))
            {
                Error($"{pointer}/action", $"unsupported value \"{actionText}\": supported values are {string.Join(", ", allowed.Select(a => $"\"{a}\""))}");
            }
            else
            {
                action = actionText switch
                {
                    "Allow" or "Accept" => AdminAction.Allow,
                    "Pass" => AdminAction.Pass,
                    _ => AdminAction.Deny,
                };
            }

            var peers = Peers(map.Get(peersKey), $"{pointer}/{peersKey}", direction, action, actionText);
            var ports = _cnp ? ProtocolMatches(map.Get(portsKey), $"{pointer}/{portsKey}") : Ports(map.Get(portsKey), $"{pointer}/{portsKey}");
            if (ports?.Any(p => p.IsNamed) == true && peers.Any(p => p.Kind is AdminPeerKind.Networks or AdminPeerKind.Nodes or AdminPeerKind.DomainNames))
            {
                Error(portsKey == "ports" ? $"{pointer}/ports" : $"{pointer}/protocols",
                    "networks/nodes/domainNames peers cannot be set with named ports, since there are no named ports for them");
            }

            return _errors > before || policy is null ? null : new AdminRule(policy, direction, index, name, action, actionText!, peers, ports);
        }

        private List<AdminPeer> Peers(Node? node, string pointer, TrafficDirection direction, AdminAction action, string? actionText)
        {
            var peers = new List<AdminPeer>();
            if (Present(node) is not SequenceNode seq || seq.Items.Count == 0)
            {
                Error(pointer, Present(node) is null or SequenceNode ? "Required value: must contain at least one peer" : "must be a list of peers");
                return peers;
            }

            if (seq.Items.Count > _maxItems)
            {
                Error(pointer, $"Too many: {seq.Items.Count}: must have at most {_maxItems} peers");
            }

            string[] known = direction == TrafficDirection.Ingress
                ? ["namespaces", "pods"]
                : _banp ? ["namespaces", "pods", "nodes", "networks"] : ["namespaces", "pods", "nodes", "networks", "domainNames"];
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                var map = seq.Items[i] switch
                {
                    MappingNode m => m,
                    ScalarNode { IsNull: true } s => new MappingNode(s.Start),
                    _ => null,
                };
                if (map is null)
                {
                    Error(at, "must be a mapping (a peer)");
                    continue;
                }

                var set = map.Entries.Where(e => known.Contains(e.Key.Value, StringComparer.Ordinal) && Present(e.Value) is not null).ToList();
                var unknown = map.Entries.Where(e => !known.Contains(e.Key.Value, StringComparer.Ordinal)).Select(e => e.Key.Value).ToList();
                if (set.Count > 1)
                {
                    Error(at, $"must specify exactly one peer field (has {string.Join(", ", set.Select(e => e.Key.Value))})");
                    continue;
                }

                if (set.Count == 0)
                {
                    var egressOnly = unknown.Where(u => u is "networks" or "nodes" or "domainNames").ToList();
                    if (egressOnly.Count > 0)
                    {
                        Error($"{at}/{egressOnly[0]}", direction == TrafficDirection.Ingress
                            ? $"{egressOnly[0]} is an egress-only peer; ingress peers are namespaces or pods"
                            : $"{egressOnly[0]} is not a peer of {_obj.Kind} egress rules");
                        continue;
                    }

                    var peer = new AdminPeer(AdminPeerKind.Unknown, at, names: unknown);
                    peers.Add(peer);
                    FailClosedWarning(at, peer, action, actionText, unknown.Count == 0
                        ? "a peer must set exactly one field (the CRD rejects an empty peer); upstream asks implementations to fail closed on peers they cannot read"
                        : "no peer field Bulwark knows is set (a newer API version?); upstream asks implementations to fail closed");
                    continue;
                }

                if (unknown.Count > 0)
                {
                    foreach (var u in unknown)
                    {
                        Warning(JsonPointer.Append(at, u), $"unknown field \"{u}\" (ignored; the CRD prunes it)");
                    }
                }

                var key = set[0].Key.Value;
                var value = set[0].Value;
                var field = JsonPointer.Append(at, key);
                switch (key)
                {
                    case "namespaces":
                        if (Selector(value, field) is { } ns)
                        {
                            peers.Add(new AdminPeer(AdminPeerKind.Namespaces, at, namespaceSelector: ns));
                        }

                        break;
                    case "pods":
                        if (NamespacedPod(value, field) is var (nsSel, podSel) && nsSel is not null && podSel is not null)
                        {
                            peers.Add(new AdminPeer(AdminPeerKind.Pods, at, namespaceSelector: nsSel, podSelector: podSel));
                        }

                        break;
                    case "nodes":
                        if (Selector(value, field) is { } nodes)
                        {
                            var peer = new AdminPeer(AdminPeerKind.Nodes, at, podSelector: nodes);
                            peers.Add(peer);
                            FailClosedWarning(field, peer, action, actionText, "node addresses are not in the manifests (experimental peer)");
                        }

                        break;
                    case "networks":
                        if (Networks(value, field) is { } cidrs)
                        {
                            peers.Add(new AdminPeer(AdminPeerKind.Networks, at, networks: cidrs));
                        }

                        break;
                    case "domainNames":
                        if (DomainNames(value, field) is { } names)
                        {
                            var peer = new AdminPeer(AdminPeerKind.DomainNames, at, names: names);
                            peers.Add(peer);
                            FailClosedWarning(field, peer, action, actionText, action == AdminAction.Allow
                                ? "domain names resolve to addresses only at run time (experimental peer)"
                                : $"domainNames is only supported for {(_cnp ? "Accept" : "Allow")} rules");
                        }

                        break;
                }
            }

            return peers;
        }

        private void FailClosedWarning(string pointer, AdminPeer peer, AdminAction action, string? actionText, string why)
        {
            if (actionText is null)
            {
                return;
            }

            Warning(pointer, action == AdminAction.Allow
                ? $"{peer} cannot be evaluated offline: {why}; this {actionText} rule matches nothing through it"
                : $"{peer} cannot be evaluated offline: {why}; failing closed, this {actionText} rule is read as Deny everything");
        }

        private List<Cidr>? Networks(Node node, string pointer)
        {
            if (node is not SequenceNode seq || seq.Items.Count == 0)
            {
                Error(pointer, "must be a list of at least one CIDR");
                return null;
            }

            if (seq.Items.Count > 25)
            {
                Error(pointer, $"Too many: {seq.Items.Count}: must have at most 25 CIDRs");
            }

            var list = new List<Cidr>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                var text = (seq.Items[i] as ScalarNode)?.Value ?? string.Empty;
                if (!Cidr.TryParse(text, out var cidr, out var error, out var warning))
                {
                    Error(at, error!);
                    continue;
                }

                // The CRDs validate with isCIDR / "contains ':' xor '.'", stricter than ipBlock's sloppy parsing:
                // no IPv4-mapped IPv6 and no leading zeros in IPv4 octets. Bits beyond the prefix are accepted.
                if (text.Contains(':') && text.Contains('.'))
                {
                    Error(at, $"\"{text}\" is not a valid CIDR: IPv4 addresses embedded in IPv6 are not supported");
                    continue;
                }

                if (!text.Contains(':') && text[..text.IndexOf('/')].Split('.').Any(o => o.Length > 1 && o[0] == '0'))
                {
                    Error(at, $"\"{text}\" is not a valid CIDR: IPv4 octets may not have leading zeros");
                    continue;
                }

                if (warning is not null)
                {
                    Warning(at, $"CIDR \"{text}\" has bits set beyond the prefix length; read as {cidr}");
                }

                list.Add(cidr);
            }

            return list;
        }

        private List<string>? DomainNames(Node node, string pointer)
        {
            if (node is not SequenceNode seq || seq.Items.Count == 0)
            {
                Error(pointer, "must be a list of at least one domain name");
                return null;
            }

            if (seq.Items.Count > 25)
            {
                Error(pointer, $"Too many: {seq.Items.Count}: must have at most 25 domain names");
            }

            var names = new List<string>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var text = (seq.Items[i] as ScalarNode)?.Value ?? string.Empty;
                if (!DomainNamePattern().IsMatch(text))
                {
                    Error($"{pointer}/{i}", $"\"{text}\" is not a valid domain name (a wildcard '*.' is allowed only as a prefix)");
                    continue;
                }

                names.Add(text);
            }

            return names;
        }

        /// <summary>v1alpha1 ports: each entry exactly one of portNumber {protocol, port}, namedPort, portRange {protocol, start, end}.</summary>
        private List<AdminPort>? Ports(Node? node, string pointer)
        {
            if (Present(node) is null)
            {
                return null;
            }

            if (node is not SequenceNode seq || seq.Items.Count == 0)
            {
                Error(pointer, "must be a list of at least one port (omit ports to match every port)");
                return null;
            }

            if (seq.Items.Count > _maxItems)
            {
                Error(pointer, $"Too many: {seq.Items.Count}: must have at most {_maxItems} ports");
            }

            var ports = new List<AdminPort>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                if (seq.Items[i] is not MappingNode map)
                {
                    Error(at, "must be a mapping (portNumber, namedPort or portRange)");
                    continue;
                }

                UnknownFields(map, at, ["portNumber", "namedPort", "portRange"]);
                var set = map.Entries.Where(e => e.Key.Value is "portNumber" or "namedPort" or "portRange" && Present(e.Value) is not null).ToList();
                if (set.Count != 1)
                {
                    Error(at, $"must specify exactly one of portNumber, namedPort or portRange ({(set.Count == 0 ? "none is set" : "has " + string.Join(", ", set.Select(e => e.Key.Value)))})");
                    continue;
                }

                var field = JsonPointer.Append(at, set[0].Key.Value);
                var value = set[0].Value;
                switch (set[0].Key.Value)
                {
                    case "namedPort":
                        if (NamedPort(value, field) is { } name)
                        {
                            ports.Add(new AdminPort(Protocol.Tcp, 0, 0, name, field));
                        }

                        break;
                    case "portNumber":
                        if (value is not MappingNode number)
                        {
                            Error(field, "must be a mapping (protocol, port)");
                            break;
                        }

                        UnknownFields(number, field, ["protocol", "port"]);
                        var protocol = ProtocolOf(number, field);
                        var port = Integer(number.Get("port"), $"{field}/port", 1, 65535, required: true);
                        if (protocol is { } p && port is { } n)
                        {
                            ports.Add(new AdminPort(p, n, n, null, field));
                        }

                        break;
                    default:
                        if (value is not MappingNode range)
                        {
                            Error(field, "must be a mapping (protocol, start, end)");
                            break;
                        }

                        UnknownFields(range, field, ["protocol", "start", "end"]);
                        var rangeProtocol = ProtocolOf(range, field);
                        if (Range(range, field) is var (start, end) && rangeProtocol is { } rp && start > 0)
                        {
                            ports.Add(new AdminPort(rp, start, end, null, field));
                        }

                        break;
                }
            }

            return ports;
        }

        /// <summary>v1alpha2 protocols: each entry exactly one of tcp|udp|sctp {destinationPort {number | range}} or destinationNamedPort.</summary>
        private List<AdminPort>? ProtocolMatches(Node? node, string pointer)
        {
            if (Present(node) is null)
            {
                return null;
            }

            if (node is not SequenceNode seq || seq.Items.Count == 0)
            {
                Error(pointer, "must be a list of at least one protocol match (omit protocols to match all traffic)");
                return null;
            }

            if (seq.Items.Count > 25)
            {
                Error(pointer, $"Too many: {seq.Items.Count}: must have at most 25 items");
            }

            var ports = new List<AdminPort>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                if (seq.Items[i] is not MappingNode map)
                {
                    Error(at, "must be a mapping (tcp, udp, sctp or destinationNamedPort)");
                    continue;
                }

                string[] fields = ["tcp", "udp", "sctp", "destinationNamedPort"];
                UnknownFields(map, at, fields);
                var set = map.Entries.Where(e => fields.Contains(e.Key.Value, StringComparer.Ordinal) && Present(e.Value) is not null).ToList();
                if (set.Count != 1)
                {
                    Error(at, $"must specify exactly one of tcp, udp, sctp or destinationNamedPort ({(set.Count == 0 ? "none is set" : "has " + string.Join(", ", set.Select(e => e.Key.Value)))})");
                    continue;
                }

                var key = set[0].Key.Value;
                var field = JsonPointer.Append(at, key);
                if (key == "destinationNamedPort")
                {
                    if (NamedPort(set[0].Value, field) is { } name)
                    {
                        ports.Add(new AdminPort(Protocol.Tcp, 0, 0, name, field));
                    }

                    continue;
                }

                var protocol = key switch { "tcp" => Protocol.Tcp, "udp" => Protocol.Udp, _ => Protocol.Sctp };
                if (set[0].Value is not MappingNode proto || Present(proto.Get("destinationPort")) is not { } destination)
                {
                    Error(field, "must set destinationPort (number or range)");
                    continue;
                }

                UnknownFields(proto, field, ["destinationPort"]);
                var dp = $"{field}/destinationPort";
                if (destination is not MappingNode port)
                {
                    Error(dp, "must be a mapping (number or range)");
                    continue;
                }

                UnknownFields(port, dp, ["number", "range"]);
                var number = Present(port.Get("number"));
                var rangeNode = Present(port.Get("range"));
                if ((number is null) == (rangeNode is null))
                {
                    Error(dp, number is null ? "must specify number or range (neither is set)" : "must specify number or range, not both");
                    continue;
                }

                if (number is not null)
                {
                    if (Integer(number, $"{dp}/number", 1, 65535, required: true) is { } n)
                    {
                        ports.Add(new AdminPort(protocol, n, n, null, field));
                    }

                    continue;
                }

                if (rangeNode is not MappingNode range)
                {
                    Error($"{dp}/range", "must be a mapping (start, end)");
                    continue;
                }

                UnknownFields(range, $"{dp}/range", ["start", "end"]);
                if (Range(range, $"{dp}/range") is var (start, end) && start > 0)
                {
                    ports.Add(new AdminPort(protocol, start, end, null, field));
                }
            }

            return ports;
        }

        private string? NamedPort(Node node, string pointer)
        {
            var text = (node as ScalarNode)?.Value ?? string.Empty;
            if (LabelSyntax.PortNameError(text) is { } error)
            {
                Error(pointer, error);
                return null;
            }

            return text;
        }

        /// <summary>start and end of a port range, 1-65535, start &lt; end; (0, 0) after an error.</summary>
        private (int Start, int End) Range(MappingNode range, string pointer)
        {
            var start = Integer(range.Get("start"), $"{pointer}/start", 1, 65535, required: true);
            var end = Integer(range.Get("end"), $"{pointer}/end", 1, 65535, required: true);
            if (start is not { } s || end is not { } e)
            {
                return (0, 0);
            }

            if (s >= e)
            {
                Error(pointer, $"start ({s}) must be less than end ({e})");
                return (0, 0);
            }

            return (s, e);
        }

        /// <summary>protocol TCP, UDP or SCTP; TCP when absent (documented default).</summary>
        private Protocol? ProtocolOf(MappingNode map, string pointer)
        {
            if (Present(map.Get("protocol")) is not { } node)
            {
                return Protocol.Tcp;
            }

            var text = (node as ScalarNode)?.Value;
            if (!Protocols.TryParse(text, out var protocol))
            {
                Error($"{pointer}/protocol", $"unsupported value \"{text}\": supported values are \"TCP\", \"UDP\", \"SCTP\"");
                return null;
            }

            return protocol;
        }

        private int? Integer(Node? node, string pointer, int min, int max, bool required)
        {
            if (Present(node) is not { } value)
            {
                if (required)
                {
                    Error(pointer, "Required value");
                }

                return null;
            }

            if (value is not ScalarNode { Kind: ScalarKind.Int } n ||
                !long.TryParse(n.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                Error(pointer, $"must be an integer (got \"{(value as ScalarNode)?.Value}\")");
                return null;
            }

            if (number < min || number > max)
            {
                Error(pointer, $"invalid value {number}: must be between {min} and {max}, inclusive");
                return null;
            }

            return (int)number;
        }

        private LabelSelector? Selector(Node? node, string pointer) =>
            SelectorReader.Read(node, pointer, Error, (map, at, known) => UnknownFields(map, at, known));

        private static Node? Present(Node? node) => node is ScalarNode { IsNull: true } ? null : node;

        private void UnknownFields(MappingNode map, string pointer, string[] known)
        {
            foreach (var entry in map.Entries)
            {
                if (!known.Contains(entry.Key.Value, StringComparer.Ordinal))
                {
                    Warning(JsonPointer.Append(pointer, entry.Key.Value), $"unknown field \"{entry.Key.Value}\" (ignored; the CRD prunes it)");
                }
            }
        }

        private void Error(string pointer, string message)
        {
            _errors++;
            _problems.Add(new NetworkProblem(InputErrorLevel.Error, _obj, pointer,
                $"{What}: {FieldPath(pointer)}: {message}; the API server would reject the object, so it is not evaluated"));
        }

        private void Warning(string pointer, string message) =>
            _problems.Add(new NetworkProblem(InputErrorLevel.Warning, _obj, pointer, $"{What}: {FieldPath(pointer)}: {message}"));

        private static string FieldPath(string pointer) => JsonPointer.ToFieldPath(pointer);
    }
}
