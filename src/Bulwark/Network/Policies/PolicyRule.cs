namespace Bulwark.Network.Policies;

/// <summary>
/// One ingress or egress rule: it admits traffic when some peer matches (every peer when <see cref="Peers"/> is
/// null: <c>from</c>/<c>to</c> absent or empty) AND some port matches (every port and protocol when
/// <see cref="Ports"/> is null: <c>ports</c> absent or empty).
/// </summary>
public sealed class PolicyRule
{
    public PolicyRule(NetworkPolicyV1 policy, TrafficDirection direction, int index, IReadOnlyList<PolicyPeer>? peers, IReadOnlyList<PolicyPort>? ports)
    {
        Policy = policy;
        Direction = direction;
        Index = index;
        Peers = peers;
        Ports = ports;
        HasNamedPorts = ports?.Any(p => p.IsNamed) == true;
    }

    public NetworkPolicyV1 Policy { get; }

    public TrafficDirection Direction { get; }

    /// <summary>0-based index in spec.ingress or spec.egress.</summary>
    public int Index { get; }

    /// <summary>The peers; null means any peer (every pod of every namespace and every address).</summary>
    public IReadOnlyList<PolicyPeer>? Peers { get; }

    /// <summary>The ports; null means every port of every protocol.</summary>
    public IReadOnlyList<PolicyPort>? Ports { get; }

    /// <summary>Whether some port entry is a name (resolved per destination pod).</summary>
    public bool HasNamedPorts { get; }

    /// <summary>JSON pointer of the rule in its policy: <c>/spec/ingress/0</c>.</summary>
    public string Pointer => $"/spec/{Direction.Lower()}/{Index}";

    /// <summary>Field-path style label: <c>ingress[0]</c>.</summary>
    public string Label => $"{Direction.Lower()}[{Index}]";

    /// <summary>A readable description: peers and ports.</summary>
    public string Describe() => PolicyText.Describe(this);

    public override string ToString() => $"{Policy.Ref} {Label}";
}
