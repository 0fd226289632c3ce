using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>One end of an intended connection.</summary>
public abstract record IntentEnd
{
    /// <summary>Text for messages: <c>ns/Kind/name</c>, the address ranges, or <c>anywhere</c>.</summary>
    public abstract string Describe();
}

/// <summary>A workload's pods.</summary>
public sealed record WorkloadEnd(Workload Workload) : IntentEnd
{
    public override string Describe() => Workload.Ref.ToString();
}

/// <summary>Addresses outside the cluster.</summary>
public sealed record AddressEnd(IpRangeSet Addresses) : IntentEnd
{
    public override string Describe() => Addresses.ToString();
}

/// <summary>Any source: every address and every pod (a public Service's backends accept traffic from anywhere).</summary>
public sealed record AnywhereEnd : IntentEnd
{
    public static AnywhereEnd Instance { get; } = new();

    public override string Describe() => "anywhere";
}

/// <summary>
/// A port of an intended connection: a protocol with a container port name (written as the name in the rule, resolved on
/// the destination pod) or with numbers (a range is written with endPort). <see cref="Numbers"/> are the destination pod's
/// port numbers either way.
/// </summary>
public sealed record IntentPort(Protocol Protocol, string? Name, PortSet Numbers)
{
    public static IntentPort Numeric(Protocol protocol, int from, int to) => new(protocol, null, PortSet.Range(from, to));

    /// <summary>Canonical text, used to group rules: <c>TCP http</c>, <c>UDP 53</c>, <c>TCP 8000-8080</c>.</summary>
    public override string ToString() => $"{Protocol.Name()} {Name ?? Numbers.ToString()}";
}

/// <summary>
/// A connection the generated policies must allow: from a source to a destination on ports (null: every port of every
/// protocol), with the reason it is intended (shown as a comment on the rule). DNS intents are allowed by the
/// per-namespace <c>allow-dns</c> policy rather than by per-workload rules.
/// </summary>
public sealed record Intent(IntentEnd Source, IntentEnd Destination, IReadOnlyList<IntentPort>? Ports, string Reason, bool Dns = false)
{
    /// <summary>The connections intended (the destination pod's ports).</summary>
    public ConnectionSet Connections => Ports is null
        ? ConnectionSet.All
        : Ports.Aggregate(ConnectionSet.None, (set, p) => set.Union(ConnectionSet.Of(p.Protocol, p.Numbers)));

    /// <summary>Canonical text of the ports, used to group rules: <c>all</c> or <c>TCP 80, TCP http</c>.</summary>
    public string PortsKey => Ports is null ? "all" : string.Join(", ", Ports.Select(p => p.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public override string ToString() => $"{Source.Describe()} -> {Destination.Describe()} on {PortsKey} ({Reason})";
}
