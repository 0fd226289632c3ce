using System.Text;

namespace Bulwark.Model;

/// <summary>A position in a source text: 1-based line and column.</summary>
public readonly record struct Position(int Line, int Column);

/// <summary>
/// A node of a parsed YAML or JSON document that remembers where it came from. Bulwark keeps its own small
/// tree (instead of YamlDotNet's representation model) because it needs positions of every key and value,
/// Kubernetes' scalar typing, and cheap sharing of aliased nodes.
/// </summary>
public abstract class Node
{
    protected Node(Position start) => Start = start;

    /// <summary>Where the node starts (for a mapping entry's value, the value itself).</summary>
    public Position Start { get; }

    /// <summary>Number of nodes in this subtree once aliases are expanded (used to bound alias bombs).</summary>
    public abstract long ExpandedSize { get; }

    /// <summary>Finds the node at a JSON pointer, or null.</summary>
    public Node? At(string pointer) => Find(pointer, out var exact) is { } n && exact ? n : null;

    /// <summary>Finds the node at a JSON pointer, or its nearest existing ancestor.</summary>
    public Node Find(string pointer, out bool exact)
    {
        exact = true;
        if (pointer.Length == 0 || pointer == "/")
        {
            return this;
        }

        Node current = this;
        foreach (var token in JsonPointer.Split(pointer))
        {
            Node? next = current switch
            {
                MappingNode m => m.Get(token),
                SequenceNode s when int.TryParse(token, out var i) && i >= 0 && i < s.Items.Count => s.Items[i],
                _ => null,
            };
            if (next is null)
            {
                exact = false;
                return current;
            }

            current = next;
        }

        return current;
    }
}

public enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}

public sealed class ScalarNode : Node
{
    public ScalarNode(string value, ScalarKind kind, bool quoted, Position start)
        : base(start)
    {
        Value = value;
        Kind = kind;
        Quoted = quoted;
    }

    /// <summary>The scalar's text as written (after YAML unescaping).</summary>
    public string Value { get; }

    /// <summary>The type Kubernetes' YAML decoder would give the scalar.</summary>
    public ScalarKind Kind { get; }

    public bool Quoted { get; }

    public override long ExpandedSize => 1;

    public bool IsNull => Kind == ScalarKind.Null;

    public override string ToString() => Value;
}

public sealed class MappingNode : Node
{
    private readonly List<KeyValuePair<ScalarNode, Node>> _entries;
    private long _size = 1;

    public MappingNode(Position start, int capacity = 4)
        : base(start) => _entries = new List<KeyValuePair<ScalarNode, Node>>(capacity);

    public IReadOnlyList<KeyValuePair<ScalarNode, Node>> Entries => _entries;

    public override long ExpandedSize => _size;

    public int Count => _entries.Count;

    public Node? Get(string key)
    {
        // Mappings in manifests are small: a linear scan beats hashing here.
        var entries = _entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return entries[i].Value;
            }
        }

        return null;
    }

    public ScalarNode? KeyNode(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry.Key;
            }
        }

        return null;
    }

    public MappingNode? GetMapping(string key) => Get(key) as MappingNode;

    public SequenceNode? GetSequence(string key) => Get(key) as SequenceNode;

    /// <summary>The string value of a scalar child; null when absent, null-valued or not a scalar.</summary>
    public string? GetString(string key) => Get(key) is ScalarNode { IsNull: false } s ? s.Value : null;

    internal void Add(ScalarNode key, Node value)
    {
        _entries.Add(new KeyValuePair<ScalarNode, Node>(key, value));
        _size += 1 + value.ExpandedSize;
    }

    /// <summary>Replaces the value of an existing key (duplicate keys: the last one wins, as in Kubernetes).</summary>
    internal void Replace(int index, ScalarNode key, Node value)
    {
        _size += value.ExpandedSize - _entries[index].Value.ExpandedSize;
        _entries[index] = new KeyValuePair<ScalarNode, Node>(key, value);
    }

    internal int IndexOf(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

public sealed class SequenceNode : Node
{
    private readonly List<Node> _items = new();
    private long _size = 1;

    public SequenceNode(Position start)
        : base(start)
    {
    }

    public IReadOnlyList<Node> Items => _items;

    public override long ExpandedSize => _size;

    internal void Add(Node item)
    {
        _items.Add(item);
        _size += item.ExpandedSize;
    }
}

/// <summary>RFC 6901 JSON pointers.</summary>
public static class JsonPointer
{
    public static IEnumerable<string> Split(string pointer)
    {
        if (string.IsNullOrEmpty(pointer))
        {
            yield break;
        }

        foreach (var raw in pointer.Substring(1).Split('/'))
        {
            yield return raw.Contains('~') ? raw.Replace("~1", "/").Replace("~0", "~") : raw;
        }
    }

    public static string Escape(string token) =>
        token.Contains('~') || token.Contains('/') ? token.Replace("~", "~0").Replace("/", "~1") : token;

    public static string Append(string pointer, string token) => pointer + "/" + Escape(token);

    public static string Append(string pointer, int index) => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Join(params string[] tokens)
    {
        var sb = new StringBuilder();
        foreach (var t in tokens)
        {
            sb.Append('/').Append(Escape(t));
        }

        return sb.ToString();
    }
}
