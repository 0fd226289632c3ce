using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Network;

public sealed class NamespaceWithoutDefaultDeny : Rule
{
    private static readonly HashSet<(string Group, string Kind)> UnevaluatedPolicyKinds =
    [
        ("cilium.io", "CiliumNetworkPolicy"),
        ("projectcalico.org", "NetworkPolicy"),
        ("crd.projectcalico.org", "NetworkPolicy"),
        ("projectcalico.org", "StagedNetworkPolicy"),
    ];

    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-without-default-deny",
        Title = "Namespace has no default-deny NetworkPolicy",
        Severity = Severity.Medium,
        Layer = Layer.Network,
        Controls = ["NET-1"],
        Rationale = "Without a default-deny policy every pod of the namespace accepts traffic from, and sends traffic to, anywhere; allow rules then have nothing to narrow. " +
            "A direction counts as denied by default when a NetworkPolicy of the namespace selects all pods (podSelector {}), has the direction in its policyTypes and no rule for it; policyTypes is defaulted as the API server does (absent or empty: Ingress, plus Egress only when the policy has egress rules), and a policy that allows everything (ingress: [{}]) is not a default deny. " +
            "Namespaces are those of the workloads and Namespace objects in the input; workloads and policies without a namespace form one bucket (they land in kubectl's namespace at apply time). Calico and Cilium policies are not evaluated; the message says when the namespace has some. " +
            "A missing podSelector selects every pod, as the API server decodes it (the OpenAPI schema calls it required, but nothing rejects its absence). The finding is high instead of medium in the namespaces listed in the sensitiveNamespaces parameter.",
        Remediation = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the traffic each workload needs (including DNS egress).",
        Parameters = ["sensitiveNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        // Buckets keyed by namespace ("" = unset), in input order: the Namespace object wins as report target.
        var targets = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var ns in context.Inventory.OfKind(string.Empty, "Namespace"))
        {
            if (!targets.ContainsKey(ns.Name))
            {
                targets[ns.Name] = ns;
                order.Add(ns.Name);
            }
        }

        foreach (var pod in context.Inventory.PodTemplates)
        {
            var key = pod.Namespace ?? string.Empty;
            if (!targets.ContainsKey(key))
            {
                targets[key] = pod.Owner;
                order.Add(key);
            }
        }

        var ingressDenied = new HashSet<string>(StringComparer.Ordinal);
        var egressDenied = new HashSet<string>(StringComparer.Ordinal);
        var unevaluated = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var obj in context.Inventory.Objects)
        {
            var key = obj.Namespace ?? string.Empty;
            if (obj.Kind == "NetworkPolicy" && obj.Group == "networking.k8s.io")
            {
                var (ingress, egress) = DefaultDeny(obj);
                if (ingress)
                {
                    ingressDenied.Add(key);
                }

                if (egress)
                {
                    egressDenied.Add(key);
                }
            }
            else if (UnevaluatedPolicyKinds.Contains((obj.Group, obj.Kind)))
            {
                if (!unevaluated.TryGetValue(key, out var list))
                {
                    unevaluated[key] = list = new List<string>();
                }

                list.Add($"{obj.Kind} \"{obj.Name}\"");
            }
        }

        foreach (var key in order)
        {
            var missing = (ingressDenied.Contains(key), egressDenied.Contains(key)) switch
            {
                (true, true) => null,
                (true, false) => "egress",
                (false, true) => "ingress",
                _ => "ingress and egress",
            };
            if (missing is null)
            {
                continue;
            }

            var target = targets[key];
            var name = key.Length == 0 ? "the unset namespace (kubectl's namespace at apply time)" : $"namespace \"{key}\"";
            var note = unevaluated.TryGetValue(key, out var others)
                ? $" ({string.Join(", ", others)} not evaluated)"
                : string.Empty;
            var pointer = target.Kind == "Namespace" && target.Group.Length == 0 ? "/metadata/name" : "/metadata/namespace";
            var message = $"{name} has no default-deny NetworkPolicy for {missing}{note}";
            if (context.Parameters.SensitiveNamespaces.Contains(key))
            {
                context.Report(target, pointer, message + "; it is listed as a sensitive namespace", Severity.High);
            }
            else
            {
                context.Report(target, pointer, message);
            }
        }
    }

    /// <summary>Whether a NetworkPolicy denies ingress and/or egress by default for every pod of its namespace.</summary>
    internal static (bool Ingress, bool Egress) DefaultDeny(KubeObject policy)
    {
        if (policy.Root.GetMapping("spec") is not { } spec || !SelectsAll(spec.Get("podSelector")))
        {
            return (false, false);
        }

        var ingressRules = RuleCount(spec.Get("ingress"));
        var egressRules = RuleCount(spec.Get("egress"));
        var types = spec.GetSequence("policyTypes")?.Items.OfType<ScalarNode>().Select(s => s.Value).ToList();
        bool hasIngress, hasEgress;
        if (types is null || types.Count == 0)
        {
            hasIngress = true;
            hasEgress = egressRules > 0;
        }
        else
        {
            hasIngress = types.Contains("Ingress");
            hasEgress = types.Contains("Egress");
        }

        return (hasIngress && ingressRules == 0, hasEgress && egressRules == 0);
    }

    private static bool SelectsAll(Node? selector) => selector switch
    {
        null => true, // the API server decodes a missing podSelector as the empty selector: every pod
        ScalarNode s => s.IsNull,
        MappingNode m => IsEmpty(m.Get("matchLabels")) && IsEmpty(m.Get("matchExpressions")),
        _ => false,
    };

    private static bool IsEmpty(Node? node) => node switch
    {
        null => true,
        ScalarNode s => s.IsNull,
        MappingNode m => m.Count == 0,
        SequenceNode q => q.Items.Count == 0,
        _ => false,
    };

    private static int RuleCount(Node? rules) => rules is SequenceNode seq ? seq.Items.Count : 0;
}
