using System.Globalization;
using System.Text;

namespace Bulwark.Network.Sets;

/// <summary>
/// An immutable set of ports 1..65535 as sorted, disjoint, non-adjacent inclusive intervals. Equal sets have equal
/// interval lists, so equality is structural and the printed form is canonical (<c>80,8080-8090</c>).
/// </summary>
public sealed class PortSet : IEquatable<PortSet>
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    // Flat pairs: [lo0, hi0, lo1, hi1, ...].
    private readonly int[] _bounds;
    private readonly int _hash;

    private PortSet(int[] bounds)
    {
        _bounds = bounds;
        var hash = new HashCode();
        foreach (var b in bounds)
        {
            hash.Add(b);
        }

        _hash = hash.ToHashCode();
    }

    public static PortSet Empty { get; } = new([]);

    public static PortSet All { get; } = new([MinPort, MaxPort]);

    public bool IsEmpty => _bounds.Length == 0;

    public bool IsAll => _bounds.Length == 2 && _bounds[0] == MinPort && _bounds[1] == MaxPort;

    /// <summary>The intervals, ascending.</summary>
    public IEnumerable<(int From, int To)> Ranges
    {
        get
        {
            for (var i = 0; i < _bounds.Length; i += 2)
            {
                yield return (_bounds[i], _bounds[i + 1]);
            }
        }
    }

    public int RangeCount => _bounds.Length / 2;

    /// <summary>How many ports the set holds.</summary>
    public int Count
    {
        get
        {
            var n = 0;
            for (var i = 0; i < _bounds.Length; i += 2)
            {
                n += _bounds[i + 1] - _bounds[i] + 1;
            }

            return n;
        }
    }

    /// <summary>The ports from..to (clamped to 1..65535); empty when from &gt; to.</summary>
    public static PortSet Range(int from, int to)
    {
        from = Math.Max(from, MinPort);
        to = Math.Min(to, MaxPort);
        return from > to ? Empty : new PortSet([from, to]);
    }

    public static PortSet Single(int port) => Range(port, port);

    /// <summary>Builds a set from any intervals (overlapping, unsorted, adjacent are merged).</summary>
    public static PortSet FromRanges(IEnumerable<(int From, int To)> ranges)
    {
        var list = ranges
            .Select(r => (From: Math.Max(r.From, MinPort), To: Math.Min(r.To, MaxPort)))
            .Where(r => r.From <= r.To)
            .OrderBy(r => r.From)
            .ToList();
        var bounds = new List<int>(list.Count * 2);
        foreach (var (from, to) in list)
        {
            if (bounds.Count > 0 && from <= bounds[^1] + 1)
            {
                bounds[^1] = Math.Max(bounds[^1], to);
            }
            else
            {
                bounds.Add(from);
                bounds.Add(to);
            }
        }

        return Make(bounds.ToArray());
    }

    public bool Contains(int port)
    {
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            if (port < _bounds[i])
            {
                return false;
            }

            if (port <= _bounds[i + 1])
            {
                return true;
            }
        }

        return false;
    }

    public PortSet Union(PortSet other)
    {
        if (other.IsEmpty || ReferenceEquals(this, other) || IsAll)
        {
            return this;
        }

        if (IsEmpty || other.IsAll)
        {
            return other;
        }

        return FromRanges(Ranges.Concat(other.Ranges));
    }

    public PortSet Intersect(PortSet other)
    {
        if (IsEmpty || other.IsAll || ReferenceEquals(this, other))
        {
            return this;
        }

        if (other.IsEmpty || IsAll)
        {
            return other;
        }

        var result = new List<int>();
        int i = 0, j = 0;
        var a = _bounds;
        var b = other._bounds;
        while (i < a.Length && j < b.Length)
        {
            var lo = Math.Max(a[i], b[j]);
            var hi = Math.Min(a[i + 1], b[j + 1]);
            if (lo <= hi)
            {
                result.Add(lo);
                result.Add(hi);
            }

            if (a[i + 1] < b[j + 1])
            {
                i += 2;
            }
            else
            {
                j += 2;
            }
        }

        return Make(result.ToArray());
    }

    public PortSet Complement()
    {
        if (IsEmpty)
        {
            return All;
        }

        var result = new List<int>();
        var next = MinPort;
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            if (_bounds[i] > next)
            {
                result.Add(next);
                result.Add(_bounds[i] - 1);
            }

            next = _bounds[i + 1] + 1;
        }

        if (next <= MaxPort)
        {
            result.Add(next);
            result.Add(MaxPort);
        }

        return Make(result.ToArray());
    }

    public PortSet Subtract(PortSet other) =>
        other.IsEmpty || IsEmpty ? this : Intersect(other.Complement());

    public bool IsSubsetOf(PortSet other) => Subtract(other).IsEmpty;

    public bool Overlaps(PortSet other) => !Intersect(other).IsEmpty;

    /// <summary>Canonical text: <c>80,8080-8090</c>; <c>1-65535</c> for all ports; empty text for none.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(_bounds[i].ToString(CultureInfo.InvariantCulture));
            if (_bounds[i + 1] != _bounds[i])
            {
                sb.Append('-').Append(_bounds[i + 1].ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses <c>80,8080-8090</c> (spaces allowed); false on a malformed list or a port outside 1..65535.</summary>
    public static bool TryParse(string text, out PortSet set)
    {
        set = Empty;
        var ranges = new List<(int, int)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = raw.IndexOf('-');
            var fromText = dash < 0 ? raw : raw[..dash].Trim();
            var toText = dash < 0 ? raw : raw[(dash + 1)..].Trim();
            if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
                !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to) ||
                from < MinPort || to > MaxPort || from > to)
            {
                return false;
            }

            ranges.Add((from, to));
        }

        if (ranges.Count == 0)
        {
            return false;
        }

        set = FromRanges(ranges);
        return true;
    }

    public bool Equals(PortSet? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _bounds.AsSpan().SequenceEqual(other._bounds)));

    public override bool Equals(object? obj) => Equals(obj as PortSet);

    public override int GetHashCode() => _hash;

    private static PortSet Make(int[] bounds) =>
        bounds.Length == 0 ? Empty : bounds.Length == 2 && bounds[0] == MinPort && bounds[1] == MaxPort ? All : new PortSet(bounds);
}
