namespace Bulwark.Audit.Detection.Engine;

/// <summary>
/// The state of one stateful rule: groups (by the values of its <c>by</c> fields) counting matching events in a
/// sliding window of event time. Bounded: at most <see cref="MaxGroups"/> groups (the least recently seen is dropped
/// first), each holding at most threshold entries (a group is emptied when it alerts).
/// </summary>
internal sealed class Aggregator
{
    public const int MaxGroups = 10_000;

    private readonly long _windowTicks;
    private readonly int _threshold;
    private readonly bool _distinct;
    private readonly int _maxGroups;
    private readonly Dictionary<string, LinkedListNode<Group>> _groups = new(StringComparer.Ordinal);
    private readonly LinkedList<Group> _recent = new();

    public Aggregator(TimeSpan window, int threshold, bool distinct, int maxGroups = MaxGroups)
    {
        _windowTicks = window.Ticks;
        _threshold = threshold;
        _distinct = distinct;
        _maxGroups = maxGroups;
    }

    public int GroupCount => _groups.Count;

    /// <summary>Counts an event of a group at a time; true when the group reaches the threshold (it then starts afresh).</summary>
    public bool Add(string key, long ticks, string? distinctValue)
    {
        if (!_groups.TryGetValue(key, out var node))
        {
            if (_groups.Count >= _maxGroups)
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _groups.Remove(oldest.Value.Key);
            }

            node = _recent.AddFirst(new Group(key));
            _groups[key] = node;
        }
        else if (node != _recent.First)
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
        }

        var entries = node.Value.Entries;
        var horizon = ticks - _windowTicks;
        entries.RemoveAll(e => e.Ticks <= horizon);
        if (_distinct)
        {
            var existing = entries.FindIndex(e => e.Value == distinctValue);
            if (existing >= 0)
            {
                entries.RemoveAt(existing);
            }
        }

        entries.Add(new Entry(ticks, distinctValue));
        if (entries.Count < _threshold)
        {
            return false;
        }

        entries.Clear();
        return true;
    }

    private readonly record struct Entry(long Ticks, string? Value);

    private sealed class Group(string key)
    {
        public string Key { get; } = key;

        public List<Entry> Entries { get; } = [];
    }
}
