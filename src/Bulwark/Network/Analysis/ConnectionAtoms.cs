using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>Cuts the connection space into pieces no given set straddles: per protocol at every range boundary, plus "other protocols".</summary>
public static class ConnectionAtoms
{
    public static IReadOnlyList<ConnectionSet> Split(IEnumerable<ConnectionSet> sets)
    {
        var list = sets.ToList();
        var atoms = new List<ConnectionSet>();
        foreach (var protocol in Protocols.All)
        {
            var cuts = new SortedSet<int> { PortSet.MinPort };
            foreach (var set in list)
            {
                foreach (var (from, to) in set.Ports(protocol).Ranges)
                {
                    cuts.Add(from);
                    if (to < PortSet.MaxPort)
                    {
                        cuts.Add(to + 1);
                    }
                }
            }

            var points = cuts.ToList();
            for (var i = 0; i < points.Count; i++)
            {
                atoms.Add(ConnectionSet.Of(protocol, points[i], i + 1 < points.Count ? points[i + 1] - 1 : PortSet.MaxPort));
            }
        }

        atoms.Add(new ConnectionSet(PortSet.Empty, PortSet.Empty, PortSet.Empty, true));
        return atoms;
    }
}
