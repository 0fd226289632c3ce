using Bulwark.Model;

namespace Bulwark.Network.Policies;

/// <summary>
/// A valid networking.k8s.io/v1 NetworkPolicy after API-server defaulting: it selects pods of its own namespace
/// with <see cref="PodSelector"/>, isolates them in the directions of its (defaulted) policyTypes, and allows the
/// union of its rules.
/// </summary>
public sealed class NetworkPolicyV1
{
    private readonly List<PolicyRule> _ingress = new();
    private readonly List<PolicyRule> _egress = new();

    public NetworkPolicyV1(int index, string @namespace, string name, LabelSelector podSelector, bool ingressType, bool egressType, KubeObject source)
    {
        Index = index;
        Namespace = @namespace;
        Name = name;
        PodSelector = podSelector;
        HasIngressType = ingressType;
        HasEgressType = egressType;
        Source = source;
    }

    /// <summary>Position in <see cref="Model.NetworkModel.Policies"/>.</summary>
    public int Index { get; }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary><c>ns/name</c>.</summary>
    public string Ref => $"{Namespace}/{Name}";

    public LabelSelector PodSelector { get; }

    /// <summary>policyTypes (after defaulting) holds Ingress: the selected pods are isolated for ingress.</summary>
    public bool HasIngressType { get; }

    /// <summary>policyTypes (after defaulting) holds Egress: the selected pods are isolated for egress.</summary>
    public bool HasEgressType { get; }

    public IReadOnlyList<PolicyRule> IngressRules => _ingress;

    public IReadOnlyList<PolicyRule> EgressRules => _egress;

    public KubeObject Source { get; }

    /// <summary>Whether policyTypes was written (false: defaulted from the rules).</summary>
    public bool PolicyTypesWritten { get; init; }

    public bool Isolates(TrafficDirection direction) => direction == TrafficDirection.Ingress ? HasIngressType : HasEgressType;

    public IReadOnlyList<PolicyRule> Rules(TrafficDirection direction) => direction == TrafficDirection.Ingress ? _ingress : _egress;

    /// <summary>A default deny for the direction: selects every pod, isolates the direction, and has no rule for it.</summary>
    public bool IsDefaultDeny(TrafficDirection direction) =>
        PodSelector.MatchLabels.Count == 0 && PodSelector.Expressions.Count == 0 && Isolates(direction) && Rules(direction).Count == 0;

    internal void Add(PolicyRule rule) => (rule.Direction == TrafficDirection.Ingress ? _ingress : _egress).Add(rule);

    public override string ToString() => $"NetworkPolicy {Ref}";
}
