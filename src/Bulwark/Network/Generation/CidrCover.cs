using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>An ipBlock to write: a CIDR and the CIDRs excepted from it.</summary>
public sealed record IpBlockSpec(string Cidr, IReadOnlyList<string> Except);

/// <summary>
/// Writes address ranges as ipBlocks: per family, either the exact CIDRs covering the ranges, or the whole family
/// (<c>0.0.0.0/0</c>, <c>::/0</c>) with the gaps as <c>except</c>, whichever is shorter (everything but the cluster's
/// private range reads better as one ipBlock with one except).
/// </summary>
public static class CidrCover
{
    public static IReadOnlyList<IpBlockSpec> Blocks(IpRangeSet addresses)
    {
        var blocks = new List<IpBlockSpec>();
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            var whole = IpRangeSet.Of(IpRange.Whole(family));
            var mine = addresses.Intersect(whole);
            if (mine.IsEmpty)
            {
                continue;
            }

            var direct = mine.Ranges.SelectMany(Cidrs).ToList();
            var gaps = whole.Subtract(mine).Ranges.SelectMany(Cidrs).ToList();
            if (gaps.Count + 1 < direct.Count)
            {
                blocks.Add(new IpBlockSpec(family == IpFamily.V4 ? "0.0.0.0/0" : "::/0", gaps));
            }
            else
            {
                blocks.AddRange(direct.Select(c => new IpBlockSpec(c, [])));
            }
        }

        return blocks;
    }

    /// <summary>The fewest CIDRs exactly covering a range.</summary>
    public static IEnumerable<string> Cidrs(IpRange range)
    {
        var bits = range.Family == IpFamily.V4 ? 32 : 128;
        var start = range.Start;
        while (true)
        {
            // The largest block aligned at start that stays inside the range.
            var size = bits;
            while (size > 0)
            {
                var blockBits = bits - size + 1;
                var span = blockBits >= 128 ? UInt128.MaxValue : (UInt128.One << blockBits) - 1;
                if ((start & span) != 0 || start + span > range.End || start + span < start)
                {
                    break;
                }

                size--;
            }

            var hostBits = bits - size;
            var last = hostBits >= 128 ? UInt128.MaxValue : start + ((UInt128.One << hostBits) - 1);
            yield return $"{IpRange.Format(range.Family, start)}/{size.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            if (last >= range.End)
            {
                yield break;
            }

            start = last + 1;
        }
    }
}
