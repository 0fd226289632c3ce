using System.Globalization;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Policies;

/// <summary>
/// Reads a networking.k8s.io/v1 NetworkPolicy from its node tree with the API server's validation and defaulting
/// (pkg/apis/networking/validation, pkg/apis/networking/v1/defaults.go). An invalid policy is reported with the
/// field at fault and not returned: the API server would refuse it, so it does not exist in the cluster.
/// Unknown fields are warnings (kubectl's strict field validation refuses them; the analysis ignores them).
/// </summary>
public static class NetworkPolicyReader
{
    private static readonly string[] SpecFields = ["podSelector", "policyTypes", "ingress", "egress"];
    private static readonly string[] IngressFields = ["from", "ports"];
    private static readonly string[] EgressFields = ["to", "ports"];
    private static readonly string[] PeerFields = ["podSelector", "namespaceSelector", "ipBlock"];
    private static readonly string[] PortFields = ["protocol", "port", "endPort"];
    private static readonly string[] IpBlockFields = ["cidr", "except"];

    public static bool IsNetworkPolicy(KubeObject obj) => obj.Kind == "NetworkPolicy" && obj.Group == "networking.k8s.io";

    /// <summary>Reads a policy; null (with errors added to <paramref name="problems"/>) when the API server would reject it.</summary>
    public static NetworkPolicyV1? Read(KubeObject obj, int index, List<NetworkProblem> problems)
    {
        var reader = new Reader(obj, problems);
        return reader.Read(index);
    }

    private sealed class Reader
    {
        private readonly KubeObject _obj;
        private readonly List<NetworkProblem> _problems;
        private int _errors;

        public Reader(KubeObject obj, List<NetworkProblem> problems)
        {
            _obj = obj;
            _problems = problems;
        }

        private string What => $"NetworkPolicy {_obj.Namespace ?? "default"}/{_obj.Name}";

        public NetworkPolicyV1? Read(int index)
        {
            var specNode = _obj.Root.Get("spec");
            MappingNode spec;
            switch (specNode)
            {
                case null or ScalarNode { IsNull: true }:
                    spec = new MappingNode(_obj.Root.Start);
                    break;
                case MappingNode m:
                    spec = m;
                    break;
                default:
                    Error("/spec", "must be a mapping");
                    return null;
            }

            UnknownFields(spec, "/spec", SpecFields);
            var podSelector = Selector(spec.Get("podSelector"), "/spec/podSelector") ?? LabelSelector.FromNode(null);
            var types = PolicyTypes(spec.Get("policyTypes"));
            var ingress = RuleNodes(spec.Get("ingress"), "/spec/ingress");
            var egress = RuleNodes(spec.Get("egress"), "/spec/egress");

            // Defaulting (pkg/apis/networking/v1/defaults.go): no policyTypes (absent or []) means Ingress, plus Egress
            // only when spec.egress has a rule.
            var written = types is { Count: > 0 };
            var hasIngress = written ? types!.Contains("Ingress") : true;
            var hasEgress = written ? types!.Contains("Egress") : egress.Count > 0;
            var policy = new NetworkPolicyV1(index, _obj.Namespace ?? "default", _obj.Name, podSelector, hasIngress, hasEgress, _obj)
            {
                PolicyTypesWritten = written,
            };

            for (var i = 0; i < ingress.Count; i++)
            {
                if (Rule(policy, TrafficDirection.Ingress, i, ingress[i]) is { } rule)
                {
                    policy.Add(rule);
                }
            }

            for (var i = 0; i < egress.Count; i++)
            {
                if (Rule(policy, TrafficDirection.Egress, i, egress[i]) is { } rule)
                {
                    policy.Add(rule);
                }
            }

            if (_errors > 0)
            {
                return null;
            }

            if (written && !hasIngress && ingress.Count > 0)
            {
                Warning("/spec/ingress", "has ingress rules but policyTypes lacks Ingress: the rules have no effect");
            }

            if (written && !hasEgress && egress.Count > 0)
            {
                Warning("/spec/egress", "has egress rules but policyTypes lacks Egress: the rules have no effect");
            }

            return policy;
        }

        private List<string>? PolicyTypes(Node? node)
        {
            if (node is null or ScalarNode { IsNull: true })
            {
                return null;
            }

            if (node is not SequenceNode seq)
            {
                Error("/spec/policyTypes", "must be a list of Ingress and Egress");
                return null;
            }

            if (seq.Items.Count > 2)
            {
                Error("/spec/policyTypes", "may not specify more than two policyTypes");
            }

            var list = new List<string>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var value = (seq.Items[i] as ScalarNode)?.Value;
                if (value is not ("Ingress" or "Egress"))
                {
                    Error($"/spec/policyTypes/{i}", $"unsupported value \"{value}\": supported values are \"Ingress\" and \"Egress\"");
                    continue;
                }

                list.Add(value);
            }

            return list;
        }

        private List<MappingNode> RuleNodes(Node? node, string pointer)
        {
            var list = new List<MappingNode>();
            if (node is null or ScalarNode { IsNull: true })
            {
                return list;
            }

            if (node is not SequenceNode seq)
            {
                Error(pointer, "must be a list of rules");
                return list;
            }

            for (var i = 0; i < seq.Items.Count; i++)
            {
                switch (seq.Items[i])
                {
                    case MappingNode m:
                        list.Add(m);
                        break;
                    case ScalarNode { IsNull: true } s:
                        list.Add(new MappingNode(s.Start)); // a null rule decodes as the empty rule
                        break;
                    default:
                        Error($"{pointer}/{i}", "must be a mapping (a rule)");
                        list.Add(new MappingNode(seq.Items[i].Start));
                        break;
                }
            }

            return list;
        }

        private PolicyRule? Rule(NetworkPolicyV1 policy, TrafficDirection direction, int index, MappingNode node)
        {
            var pointer = $"/spec/{direction.Lower()}/{index}";
            var peersKey = direction == TrafficDirection.Ingress ? "from" : "to";
            UnknownFields(node, pointer, direction == TrafficDirection.Ingress ? IngressFields : EgressFields,
                direction == TrafficDirection.Egress && node.Get("from") is not null
                    ? "an egress rule takes 'to', not 'from': with no 'to' this rule admits every destination"
                    : direction == TrafficDirection.Ingress && node.Get("to") is not null
                        ? "an ingress rule takes 'from', not 'to': with no 'from' this rule admits every source"
                        : null);
            var peers = Peers(node.Get(peersKey), $"{pointer}/{peersKey}");
            var ports = Ports(node.Get("ports"), $"{pointer}/ports");
            return new PolicyRule(policy, direction, index, peers, ports);
        }

        private List<PolicyPeer>? Peers(Node? node, string pointer)
        {
            if (node is null or ScalarNode { IsNull: true })
            {
                return null;
            }

            if (node is not SequenceNode seq)
            {
                Error(pointer, "must be a list of peers");
                return null;
            }

            if (seq.Items.Count == 0)
            {
                return null;
            }

            var peers = new List<PolicyPeer>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                if (seq.Items[i] is not MappingNode peer)
                {
                    Error(at, seq.Items[i] is ScalarNode { IsNull: true } ? "must specify a peer" : "must be a mapping (a peer)");
                    continue;
                }

                UnknownFields(peer, at, PeerFields);
                var podNode = Present(peer.Get("podSelector"));
                var nsNode = Present(peer.Get("namespaceSelector"));
                var blockNode = Present(peer.Get("ipBlock"));
                var pods = podNode is null ? null : Selector(podNode, $"{at}/podSelector");
                var namespaces = nsNode is null ? null : Selector(nsNode, $"{at}/namespaceSelector");
                var block = blockNode is null ? null : IpBlock(blockNode, $"{at}/ipBlock");
                var count = (podNode is null ? 0 : 1) + (nsNode is null ? 0 : 1) + (blockNode is null ? 0 : 1);
                if (count == 0)
                {
                    Error(at, "must specify a peer (podSelector, namespaceSelector or ipBlock)");
                    continue;
                }

                if (count > 1 && blockNode is not null)
                {
                    Error(at, "may not specify both ipBlock and another peer");
                    continue;
                }

                peers.Add(new PolicyPeer(pods, namespaces, block, at));
            }

            return peers;
        }

        private List<PolicyPort>? Ports(Node? node, string pointer)
        {
            if (node is null or ScalarNode { IsNull: true })
            {
                return null;
            }

            if (node is not SequenceNode seq)
            {
                Error(pointer, "must be a list of ports");
                return null;
            }

            if (seq.Items.Count == 0)
            {
                return null;
            }

            var ports = new List<PolicyPort>();
            for (var i = 0; i < seq.Items.Count; i++)
            {
                var at = $"{pointer}/{i}";
                var item = seq.Items[i] switch
                {
                    MappingNode m => m,
                    ScalarNode { IsNull: true } s => new MappingNode(s.Start),
                    _ => null,
                };
                if (item is null)
                {
                    Error(at, "must be a mapping (protocol, port, endPort)");
                    continue;
                }

                UnknownFields(item, at, PortFields);
                var protocol = Protocol.Tcp;
                if (Present(item.Get("protocol")) is { } protoNode)
                {
                    var text = (protoNode as ScalarNode)?.Value;
                    if (!Protocols.TryParse(text, out protocol))
                    {
                        Error($"{at}/protocol", $"unsupported value \"{text}\": supported values are \"TCP\", \"UDP\", \"SCTP\"");
                        continue;
                    }
                }

                int? number = null;
                string? name = null;
                var portNode = Present(item.Get("port"));
                if (portNode is ScalarNode { Kind: ScalarKind.Int } intNode)
                {
                    if (!long.TryParse(intNode.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
                    {
                        Error($"{at}/port", $"invalid value {intNode.Value}: must be between 1 and 65535, inclusive");
                        continue;
                    }

                    number = (int)n;
                }
                else if (portNode is ScalarNode { Kind: ScalarKind.String } strNode)
                {
                    if (LabelSyntax.PortNameError(strNode.Value) is { } nameError)
                    {
                        Error($"{at}/port", nameError);
                        continue;
                    }

                    name = strNode.Value;
                }
                else if (portNode is not null)
                {
                    Error($"{at}/port", "must be a port number or a port name");
                    continue;
                }

                int? end = null;
                if (Present(item.Get("endPort")) is { } endNode)
                {
                    if (endNode is not ScalarNode { Kind: ScalarKind.Int } endInt ||
                        !long.TryParse(endInt.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e))
                    {
                        Error($"{at}/endPort", "must be a port number");
                        continue;
                    }

                    if (portNode is null)
                    {
                        Error($"{at}/endPort", "may not be specified when `port` is not specified");
                        continue;
                    }

                    if (name is not null)
                    {
                        Error($"{at}/endPort", "may not be specified when `port` is non-numeric");
                        continue;
                    }

                    if (e < number)
                    {
                        Error($"{at}/endPort", $"invalid value {e}: must be greater than or equal to `port` ({number})");
                        continue;
                    }

                    if (e is < 1 or > 65535)
                    {
                        Error($"{at}/endPort", $"invalid value {e}: must be between 1 and 65535, inclusive");
                        continue;
                    }

                    end = (int)e;
                }

                ports.Add(new PolicyPort(protocol, number, end, name, at));
            }

            return ports;
        }

        private IpBlock? IpBlock(Node node, string pointer)
        {
            if (node is not MappingNode map)
            {
                Error(pointer, "must be a mapping (cidr, except)");
                return null;
            }

            UnknownFields(map, pointer, IpBlockFields);
            var cidrText = map.GetString("cidr");
            if (string.IsNullOrEmpty(cidrText) || map.Get("cidr") is not ScalarNode)
            {
                Error($"{pointer}/cidr", "Required value");
                return null;
            }

            if (!Cidr.TryParse(cidrText, out var cidr, out var error, out var warning))
            {
                Error($"{pointer}/cidr", error!);
                return null;
            }

            if (warning is not null)
            {
                Warning($"{pointer}/cidr", warning);
            }

            var excepts = new List<Cidr>();
            var exceptNode = Present(map.Get("except"));
            if (exceptNode is not null and not SequenceNode)
            {
                Error($"{pointer}/except", "must be a list of CIDRs");
                return null;
            }

            var items = (exceptNode as SequenceNode)?.Items ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                var at = $"{pointer}/except/{i}";
                var text = (items[i] as ScalarNode)?.Value ?? string.Empty;
                if (!Cidr.TryParse(text, out var except, out var exceptError, out var exceptWarning))
                {
                    Error(at, exceptError!);
                    continue;
                }

                if (exceptWarning is not null)
                {
                    Warning(at, exceptWarning);
                }

                // Upstream: the except's network address must be inside the cidr and its prefix strictly longer
                // (a different IP family never is).
                if (except.Family != cidr.Family || !cidr.Range.Contains(new IpRange(except.Family, except.Network, except.Network)) ||
                    except.PrefixLength <= cidr.PrefixLength)
                {
                    Error(at, $"\"{text}\" must be a strict subset of `cidr` ({cidrText})");
                    continue;
                }

                excepts.Add(except);
            }

            return new IpBlock(cidr, excepts);
        }

        /// <summary>Reads and validates a label selector (metav1 ValidateLabelSelector); null after an error.</summary>
        private LabelSelector? Selector(Node? node, string pointer) =>
            SelectorReader.Read(node, pointer, Error, (map, at, known) => UnknownFields(map, at, known));

        private static Node? Present(Node? node) => node is ScalarNode { IsNull: true } ? null : node;

        private void UnknownFields(MappingNode map, string pointer, string[] known, string? hint = null)
        {
            foreach (var entry in map.Entries)
            {
                if (!known.Contains(entry.Key.Value, StringComparer.Ordinal))
                {
                    var at = JsonPointer.Append(pointer, entry.Key.Value);
                    Warning(at, hint is not null && (entry.Key.Value is "from" or "to")
                        ? $"unknown field \"{entry.Key.Value}\": {hint}"
                        : $"unknown field \"{entry.Key.Value}\" (ignored; kubectl's strict validation rejects it)");
                }
            }
        }

        private void Error(string pointer, string message)
        {
            _errors++;
            _problems.Add(new NetworkProblem(InputErrorLevel.Error, _obj, pointer, $"{What}: {FieldPath(pointer)}: {message}; the API server would reject the policy, so it is not evaluated"));
        }

        private void Warning(string pointer, string message) =>
            _problems.Add(new NetworkProblem(InputErrorLevel.Warning, _obj, pointer, $"{What}: {FieldPath(pointer)}: {message}"));

        private static string FieldPath(string pointer) => JsonPointer.ToFieldPath(pointer);
    }
}
