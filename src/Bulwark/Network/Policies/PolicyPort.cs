using System.Globalization;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Policies;

/// <summary>
/// One entry of a rule's <c>ports</c>, after defaulting: a protocol (TCP when unset) and a number, a range
/// (<c>port..endPort</c>), a name (resolved on the destination pod), or nothing (every port of the protocol).
/// </summary>
public sealed record PolicyPort(Protocol Protocol, int? Port, int? EndPort, string? Name, string Pointer)
{
    public bool IsNamed => Name is not null;

    /// <summary>The ports this entry admits on a destination: a named port resolves against the destination pod's container ports of the same protocol; null for an external destination.</summary>
    public ConnectionSet Resolve(Workload? destination)
    {
        if (Name is { } name)
        {
            if (destination is null)
            {
                return ConnectionSet.None;
            }

            var set = PortSet.Empty;
            foreach (var port in destination.PortsNamed(name, Protocol))
            {
                set = set.Union(PortSet.Single(port));
            }

            return ConnectionSet.Of(Protocol, set);
        }

        return Port is { } from
            ? ConnectionSet.Of(Protocol, from, EndPort ?? from)
            : ConnectionSet.Of(Protocol, PortSet.All);
    }

    /// <summary>The numeric ports (for an entry without a name).</summary>
    public ConnectionSet Numeric => Name is null ? Resolve(null) : ConnectionSet.None;

    public override string ToString()
    {
        var proto = Protocol.Name();
        if (Name is not null)
        {
            return $"{proto} port \"{Name}\"";
        }

        return Port is not { } p
            ? $"{proto} (every port)"
            : EndPort is { } e && e != p
                ? string.Create(CultureInfo.InvariantCulture, $"{proto} {p}-{e}")
                : string.Create(CultureInfo.InvariantCulture, $"{proto} {p}");
    }
}
