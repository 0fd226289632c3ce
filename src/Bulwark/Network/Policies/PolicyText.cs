using Bulwark.Model;

namespace Bulwark.Network.Policies;

/// <summary>Readable descriptions of selectors, peers and rules, for explanations and reports.</summary>
public static class PolicyText
{
    /// <summary>A selector in kubectl's syntax (<c>app=web,tier in (a,b),!legacy</c>); an empty selector is "everything".</summary>
    public static string Selector(LabelSelector selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in selector.MatchLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={value}");
        }

        foreach (var r in selector.Expressions)
        {
            parts.Add(r.Operator switch
            {
                "In" => $"{r.Key} in ({string.Join(",", r.Values)})",
                "NotIn" => $"{r.Key} notin ({string.Join(",", r.Values)})",
                "Exists" => r.Key,
                "DoesNotExist" => "!" + r.Key,
                _ => $"{r.Key} {r.Operator} ({string.Join(",", r.Values)})",
            });
        }

        return parts.Count == 0 ? "everything" : string.Join(",", parts);
    }

    public static bool IsEmpty(LabelSelector selector) => selector.MatchLabels.Count == 0 && selector.Expressions.Count == 0;

    /// <summary>What pods a policy selects: "all pods of namespace shop" or "pods app=web in namespace shop".</summary>
    public static string Subject(NetworkPolicyV1 policy) => IsEmpty(policy.PodSelector)
        ? $"all pods of namespace {policy.Namespace}"
        : $"pods {Selector(policy.PodSelector)} in namespace {policy.Namespace}";

    /// <summary>A peer: "pods app=db in namespace shop", "all pods in namespaces team=a", "ipBlock 10.0.0.0/8 except 10.1.0.0/16".</summary>
    public static string Describe(PolicyPeer peer, string? policyNamespace = null)
    {
        if (peer.IpBlock is { } block)
        {
            return block.ToString();
        }

        var pods = peer.PodSelector is null || IsEmpty(peer.PodSelector) ? "all pods" : $"pods {Selector(peer.PodSelector)}";
        if (peer.NamespaceSelector is null)
        {
            return policyNamespace is null ? $"{pods} in the policy's namespace" : $"{pods} in namespace {policyNamespace}";
        }

        return IsEmpty(peer.NamespaceSelector)
            ? $"{pods} in all namespaces"
            : $"{pods} in namespaces {Selector(peer.NamespaceSelector)}";
    }

    /// <summary>A rule: "from pods app=web in namespace shop on TCP 8080" or "to anywhere on every port".</summary>
    public static string Describe(PolicyRule rule)
    {
        var word = rule.Direction == TrafficDirection.Ingress ? "from" : "to";
        var peers = rule.Peers is null
            ? "anywhere (all pods and all addresses)"
            : string.Join(" or ", rule.Peers.Select(p => Describe(p, rule.Policy.Namespace)));
        var ports = rule.Ports is null ? "every port and protocol" : string.Join(", ", rule.Ports.Select(p => p.ToString()));
        return $"{word} {peers} on {ports}";
    }
}
