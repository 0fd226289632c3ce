using System.Globalization;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.AdminPolicies;

/// <summary>
/// One destination-port match of an admin-tier rule: a protocol with a port or inclusive range (v1alpha1
/// <c>portNumber</c>/<c>portRange</c>, v1alpha2 <c>tcp|udp|sctp.destinationPort</c>), or a port name (v1alpha1
/// <c>namedPort</c>, v1alpha2 <c>destinationNamedPort</c>) resolved on the destination pod's container ports of that
/// name, whatever their protocol (the name carries no protocol in these APIs).
/// </summary>
public sealed record AdminPort(Protocol Protocol, int From, int To, string? Name, string Pointer)
{
    public bool IsNamed => Name is not null;

    /// <summary>The connections this entry matches on a destination; a named port matches nothing on an external address.</summary>
    public ConnectionSet Resolve(Workload? destination)
    {
        if (Name is not { } name)
        {
            return ConnectionSet.Of(Protocol, From, To);
        }

        var set = ConnectionSet.None;
        foreach (var port in destination?.Ports.Where(p => string.Equals(p.Name, name, StringComparison.Ordinal)) ?? [])
        {
            set = set.Union(ConnectionSet.Of(port.Protocol, port.Port, port.Port));
        }

        return set;
    }

    public override string ToString() => Name is not null
        ? $"port \"{Name}\""
        : From == To
            ? string.Create(CultureInfo.InvariantCulture, $"{Protocol.Name()} {From}")
            : string.Create(CultureInfo.InvariantCulture, $"{Protocol.Name()} {From}-{To}");
}
