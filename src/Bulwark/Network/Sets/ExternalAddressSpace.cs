namespace Bulwark.Network.Sets;

/// <summary>
/// The address space outside the cluster cut into disjoint ranges ("atoms") at every boundary of every given
/// range (each ipBlock's cidr and except): inside one atom every ipBlock either holds every address or none, so
/// each atom is one external endpoint for the analysis. The atoms cover all of IPv4 and IPv6, in order.
/// </summary>
public sealed class ExternalAddressSpace
{
    private ExternalAddressSpace(IReadOnlyList<IpRange> atoms) => Atoms = atoms;

    /// <summary>The disjoint ranges, IPv4 first, ascending; together every address.</summary>
    public IReadOnlyList<IpRange> Atoms { get; }

    public static ExternalAddressSpace Build(IEnumerable<IpRange> boundaries)
    {
        var cuts = new Dictionary<IpFamily, SortedSet<UInt128>>
        {
            [IpFamily.V4] = [UInt128.Zero],
            [IpFamily.V6] = [UInt128.Zero],
        };
        foreach (var r in boundaries)
        {
            cuts[r.Family].Add(r.Start);
            if (r.End < IpRange.MaxOf(r.Family))
            {
                cuts[r.Family].Add(r.End + 1);
            }
        }

        var atoms = new List<IpRange>();
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            var points = cuts[family].ToList();
            for (var i = 0; i < points.Count; i++)
            {
                var end = i + 1 < points.Count ? points[i + 1] - 1 : IpRange.MaxOf(family);
                atoms.Add(new IpRange(family, points[i], end));
            }
        }

        return new ExternalAddressSpace(atoms);
    }

    /// <summary>The indexes of the atoms inside a set (atoms are either inside or outside any set built from the boundaries).</summary>
    public IEnumerable<int> AtomsIn(IpRangeSet set)
    {
        // Both lists are sorted: walk them together.
        var j = 0;
        var ranges = set.Ranges;
        for (var i = 0; i < Atoms.Count && j < ranges.Count; i++)
        {
            var atom = Atoms[i];
            while (j < ranges.Count && (ranges[j].Family < atom.Family || (ranges[j].Family == atom.Family && ranges[j].End < atom.Start)))
            {
                j++;
            }

            if (j < ranges.Count && ranges[j].Contains(atom))
            {
                yield return i;
            }
        }
    }

    /// <summary>The indexes of the atoms that overlap a range.</summary>
    public IEnumerable<int> AtomsOverlapping(IpRange range)
    {
        for (var i = 0; i < Atoms.Count; i++)
        {
            if (Atoms[i].Overlaps(range))
            {
                yield return i;
            }
        }
    }
}
