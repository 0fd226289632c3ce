using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Network;

/// <summary>NET-3: a NetworkPolicy in a sensitive namespace that lets in traffic from every namespace or the internet.</summary>
public sealed class SensitiveNamespaceOpenIngress : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "sensitive-namespace-open-ingress",
        Title = "NetworkPolicy opens a sensitive namespace to every source",
        Severity = Severity.High,
        Layer = Layer.Network,
        Controls = ["NET-3"],
        Rationale = "Namespaces are trust boundaries: sensitive workloads (payments, identity, build systems, the control plane's add-ons) should accept traffic only from the namespaces and pods that need them. " +
            "NetworkPolicies are additive, so one ingress rule that admits every source undoes every stricter policy of the namespace for the pods it selects. " +
            "An ingress rule admits every source when it has no from (or an empty from), or a peer with an empty namespaceSelector (every namespace, whatever its podSelector), or an ipBlock of 0.0.0.0/0 or ::/0. " +
            "Sensitive namespaces are the sensitiveNamespaces parameter (default kube-system).",
        Remediation = "Replace the open peer with a namespaceSelector on the kubernetes.io/metadata.name label of each client namespace (and a podSelector for the client pods), or with the specific CIDRs that need access.",
        Parameters = ["sensitiveNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        var sensitive = context.Parameters.SensitiveNamespaces;
        foreach (var policy in context.Inventory.OfKind("networking.k8s.io", "NetworkPolicy"))
        {
            if (policy.Namespace is not { } ns || !sensitive.Contains(ns) ||
                policy.Root.At("/spec/ingress") is not SequenceNode rules)
            {
                continue;
            }

            for (var i = 0; i < rules.Items.Count; i++)
            {
                var rulePointer = $"/spec/ingress/{i}";
                var from = (rules.Items[i] as MappingNode)?.Get("from");
                if (from is null or ScalarNode { IsNull: true } || from is SequenceNode { Items.Count: 0 })
                {
                    context.Report(policy, rulePointer, $"NetworkPolicy \"{policy.Name}\" ingress rule {i} has no from, so it admits every source into sensitive namespace \"{ns}\"");
                    continue;
                }

                if (from is not SequenceNode peers)
                {
                    continue;
                }

                for (var p = 0; p < peers.Items.Count; p++)
                {
                    if (peers.Items[p] is not MappingNode peer)
                    {
                        continue;
                    }

                    var peerPointer = $"{rulePointer}/from/{p}";
                    if (peer.Get("namespaceSelector") is { } nsSelector && IsEmptySelector(nsSelector))
                    {
                        context.Report(policy, peerPointer + "/namespaceSelector",
                            $"NetworkPolicy \"{policy.Name}\" admits {(peer.Get("podSelector") is null ? "every pod" : "the selected pods")} of every namespace into sensitive namespace \"{ns}\" (empty namespaceSelector)");
                    }
                    else if (peer.GetMapping("ipBlock")?.GetString("cidr") is "0.0.0.0/0" or "::/0")
                    {
                        context.Report(policy, peerPointer + "/ipBlock/cidr",
                            $"NetworkPolicy \"{policy.Name}\" admits every address ({peer.GetMapping("ipBlock")!.GetString("cidr")}) into sensitive namespace \"{ns}\"");
                    }
                }
            }
        }
    }

    private static bool IsEmptySelector(Node selector) => selector switch
    {
        ScalarNode s => s.IsNull,
        MappingNode m => Empty(m.Get("matchLabels")) && Empty(m.Get("matchExpressions")),
        _ => false,
    };

    private static bool Empty(Node? node) => node switch
    {
        null => true,
        ScalarNode s => s.IsNull,
        MappingNode m => m.Count == 0,
        SequenceNode q => q.Items.Count == 0,
        _ => false,
    };
}
