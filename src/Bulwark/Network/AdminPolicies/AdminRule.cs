using Bulwark.Network.Policies;

namespace Bulwark.Network.AdminPolicies;

/// <summary>
/// One ingress or egress rule of an admin-tier policy: when the peer matches (some entry of <c>from</c>/<c>to</c>)
/// AND the port matches (some entry of <c>ports</c>/<c>protocols</c>; every port and protocol when absent), the
/// action applies. A rule with a peer Bulwark cannot evaluate fails closed, as upstream asks for unknown peers: an
/// Allow/Accept rule then matches nothing through that peer; a Deny or Pass rule becomes "deny all"
/// (<see cref="EffectiveAction"/>, <see cref="MatchesEverything"/>).
/// </summary>
public sealed class AdminRule
{
    public AdminRule(AdminPolicy policy, TrafficDirection direction, int index, string? name, AdminAction action, string writtenAction,
        IReadOnlyList<AdminPeer> peers, IReadOnlyList<AdminPort>? ports)
    {
        Policy = policy;
        Direction = direction;
        Index = index;
        Name = name;
        Action = action;
        WrittenAction = writtenAction;
        Peers = peers;
        Ports = ports;
        HasNamedPorts = ports?.Any(p => p.IsNamed) == true;
        FailsClosed = peers.Any(p => !p.Evaluable);
        MatchesEverything = FailsClosed && action != AdminAction.Allow;
        EffectiveAction = MatchesEverything ? AdminAction.Deny : action;
    }

    public AdminPolicy Policy { get; }

    public TrafficDirection Direction { get; }

    /// <summary>0-based index in spec.ingress or spec.egress.</summary>
    public int Index { get; }

    /// <summary>The rule's optional <c>name</c>.</summary>
    public string? Name { get; }

    /// <summary>The action as written (Accept read as Allow).</summary>
    public AdminAction Action { get; }

    /// <summary>"Allow", "Accept", "Deny" or "Pass", as written.</summary>
    public string WrittenAction { get; }

    public IReadOnlyList<AdminPeer> Peers { get; }

    /// <summary>The ports; null means every port of every protocol (ICMP included).</summary>
    public IReadOnlyList<AdminPort>? Ports { get; }

    public bool HasNamedPorts { get; }

    /// <summary>Some peer cannot be evaluated (nodes, domain names, empty or unknown): the rule fails closed.</summary>
    public bool FailsClosed { get; }

    /// <summary>A Deny or Pass rule that fails closed: treated as denying every connection of every peer.</summary>
    public bool MatchesEverything { get; }

    /// <summary>The action applied: <see cref="Action"/>, or Deny for a failed-closed Deny/Pass rule.</summary>
    public AdminAction EffectiveAction { get; }

    /// <summary>JSON pointer of the rule: <c>/spec/ingress/0</c>.</summary>
    public string Pointer => $"/spec/{Direction.Lower()}/{Index}";

    /// <summary><c>ingress[0]</c>.</summary>
    public string Label => $"{Direction.Lower()}[{Index}]";

    /// <summary>"Deny to networks 10.0.0.0/8 on TCP 22" (with the rule name when set).</summary>
    public string Describe()
    {
        var word = Direction == TrafficDirection.Ingress ? "from" : "to";
        var peers = string.Join(" or ", Peers.Select(p => p.ToString()));
        var ports = Ports is null ? "every port and protocol" : string.Join(", ", Ports.Select(p => p.ToString()));
        var named = Name is { Length: > 0 } n ? $"rule \"{n}\": " : string.Empty;
        var text = $"{named}{WrittenAction} {word} {peers} on {ports}";
        if (MatchesEverything)
        {
            text += $" (fails closed: {Peers.First(p => !p.Evaluable)} cannot be evaluated, so the rule is read as Deny everything)";
        }
        else if (FailsClosed)
        {
            text += $" ({Peers.First(p => !p.Evaluable)} cannot be evaluated and matches nothing)";
        }

        return text;
    }

    public override string ToString() => $"{Policy.Kind} {Policy.Name} {Label}";
}
