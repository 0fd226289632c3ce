namespace Bulwark.Network.Sets;

/// <summary>
/// An immutable set of IPv4 and IPv6 addresses as sorted, disjoint, non-adjacent ranges (IPv4 first). Equality is
/// structural; the printed form is canonical (<c>10.0.0.0-10.0.255.255, 2001:db8::-2001:db8::ffff</c>).
/// </summary>
public sealed class IpRangeSet : IEquatable<IpRangeSet>
{
    private readonly IpRange[] _ranges;
    private readonly int _hash;

    private IpRangeSet(IpRange[] ranges)
    {
        _ranges = ranges;
        var hash = new HashCode();
        foreach (var r in ranges)
        {
            hash.Add(r);
        }

        _hash = hash.ToHashCode();
    }

    public static IpRangeSet Empty { get; } = new([]);

    /// <summary>Every IPv4 and IPv6 address.</summary>
    public static IpRangeSet All { get; } = new([IpRange.Whole(IpFamily.V4), IpRange.Whole(IpFamily.V6)]);

    public IReadOnlyList<IpRange> Ranges => _ranges;

    public bool IsEmpty => _ranges.Length == 0;

    public static IpRangeSet Of(IpRange range) => new([range]);

    public static IpRangeSet Of(Cidr cidr) => Of(cidr.Range);

    /// <summary>Builds a set from any ranges (overlapping, unsorted and adjacent ranges are merged).</summary>
    public static IpRangeSet FromRanges(IEnumerable<IpRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r).ToList();
        var merged = new List<IpRange>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && merged[^1].Family == r.Family &&
                (merged[^1].End == IpRange.MaxOf(r.Family) || r.Start <= merged[^1].End + 1))
            {
                var last = merged[^1];
                merged[^1] = last with { End = r.End > last.End ? r.End : last.End };
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged.Count == 0 ? Empty : new IpRangeSet(merged.ToArray());
    }

    public IpRangeSet Union(IpRangeSet other) =>
        other.IsEmpty ? this : IsEmpty ? other : FromRanges(_ranges.Concat(other._ranges));

    public IpRangeSet Intersect(IpRangeSet other)
    {
        var result = new List<IpRange>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var a = _ranges[i];
            var b = other._ranges[j];
            if (a.Family != b.Family)
            {
                if (a.Family < b.Family)
                {
                    i++;
                }
                else
                {
                    j++;
                }

                continue;
            }

            var lo = a.Start > b.Start ? a.Start : b.Start;
            var hi = a.End < b.End ? a.End : b.End;
            if (lo <= hi)
            {
                result.Add(new IpRange(a.Family, lo, hi));
            }

            if (a.End < b.End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result.Count == 0 ? Empty : new IpRangeSet(result.ToArray());
    }

    /// <summary>Every address (of both families) not in the set.</summary>
    public IpRangeSet Complement()
    {
        var result = new List<IpRange>();
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            UInt128 next = 0;
            var done = false;
            foreach (var r in _ranges.Where(r => r.Family == family))
            {
                if (r.Start > next)
                {
                    result.Add(new IpRange(family, next, r.Start - 1));
                }

                if (r.End == IpRange.MaxOf(family))
                {
                    done = true;
                    break;
                }

                next = r.End + 1;
            }

            if (!done)
            {
                result.Add(new IpRange(family, next, IpRange.MaxOf(family)));
            }
        }

        return result.Count == 0 ? Empty : new IpRangeSet(result.ToArray());
    }

    public IpRangeSet Subtract(IpRangeSet other) => other.IsEmpty || IsEmpty ? this : Intersect(other.Complement());

    public bool Contains(IpRange range) => _ranges.Any(r => r.Contains(range));

    public bool Overlaps(IpRange range) => _ranges.Any(r => r.Overlaps(range));

    public bool IsSubsetOf(IpRangeSet other) => Subtract(other).IsEmpty;

    /// <summary><c>a-b, c-d</c>; empty text for the empty set.</summary>
    public override string ToString() => string.Join(", ", _ranges);

    public bool Equals(IpRangeSet? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _ranges.AsSpan().SequenceEqual(other._ranges)));

    public override bool Equals(object? obj) => Equals(obj as IpRangeSet);

    public override int GetHashCode() => _hash;
}
