namespace Bulwark.Network.Sets;

/// <summary>
/// Interns connection sets so that equal sets are one instance, and memoises union, intersection and subtraction
/// by instance: the connectivity matrix combines the same few sets millions of times. Not thread-safe.
/// </summary>
public sealed class ConnectionSetPool
{
    private readonly Dictionary<ConnectionSet, ConnectionSet> _sets = new();
    private readonly Dictionary<long, ConnectionSet> _unions = new();
    private readonly Dictionary<long, ConnectionSet> _intersections = new();
    private readonly Dictionary<long, ConnectionSet> _differences = new();
    private int _next;

    public ConnectionSetPool()
    {
        None = Intern(ConnectionSet.None);
        All = Intern(ConnectionSet.All);
    }

    public ConnectionSet None { get; }

    public ConnectionSet All { get; }

    /// <summary>How many distinct sets the pool holds.</summary>
    public int Count => _sets.Count;

    /// <summary>The pool's instance equal to the set.</summary>
    public ConnectionSet Intern(ConnectionSet set)
    {
        if (ReferenceEquals(set.Pool, this))
        {
            return set;
        }

        if (_sets.TryGetValue(set, out var existing))
        {
            return existing;
        }

        if (set.Pool is not null)
        {
            // Interned by another pool: keep that pool's id intact and intern a copy here.
            set = new ConnectionSet(set.Tcp, set.Udp, set.Sctp, set.OtherProtocols);
        }

        set.Pool = this;
        set.PoolId = _next++;
        _sets.Add(set, set);
        return set;
    }

    public ConnectionSet Union(ConnectionSet a, ConnectionSet b)
    {
        a = Intern(a);
        b = Intern(b);
        if (ReferenceEquals(a, b) || b.IsEmpty || a.IsAll)
        {
            return a;
        }

        if (a.IsEmpty || b.IsAll)
        {
            return b;
        }

        var key = a.PoolId < b.PoolId ? Key(a, b) : Key(b, a);
        if (!_unions.TryGetValue(key, out var result))
        {
            _unions[key] = result = Intern(a.Union(b));
        }

        return result;
    }

    public ConnectionSet Intersect(ConnectionSet a, ConnectionSet b)
    {
        a = Intern(a);
        b = Intern(b);
        if (ReferenceEquals(a, b) || a.IsEmpty || b.IsAll)
        {
            return a;
        }

        if (b.IsEmpty || a.IsAll)
        {
            return b;
        }

        var key = a.PoolId < b.PoolId ? Key(a, b) : Key(b, a);
        if (!_intersections.TryGetValue(key, out var result))
        {
            _intersections[key] = result = Intern(a.Intersect(b));
        }

        return result;
    }

    public ConnectionSet Subtract(ConnectionSet a, ConnectionSet b)
    {
        a = Intern(a);
        b = Intern(b);
        if (a.IsEmpty || b.IsEmpty)
        {
            return a;
        }

        if (ReferenceEquals(a, b) || b.IsAll)
        {
            return None;
        }

        var key = Key(a, b);
        if (!_differences.TryGetValue(key, out var result))
        {
            _differences[key] = result = Intern(a.Subtract(b));
        }

        return result;
    }

    private static long Key(ConnectionSet a, ConnectionSet b) => ((long)a.PoolId << 32) | (uint)b.PoolId;
}
