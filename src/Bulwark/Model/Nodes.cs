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
    // Line (32 bits), column (24 bits) and 8 bits of flags for subclasses in one word: inventories hold
    // millions of nodes, so every field counts.
    private readonly ulong _packed;

    protected Node(Position start, byte flags = 0) => _packed = Pack(start, flags);

    /// <summary>Where the node starts (for a mapping entry's value, the value itself).</summary>
    public Position Start => new((int)(_packed >> 32), (int)((_packed >> 8) & 0xFFFFFF));

    protected byte Flags => (byte)(_packed & 0xFF);

    internal static ulong Pack(Position start, byte flags) =>
        ((ulong)(uint)start.Line << 32) | ((ulong)(uint)Math.Min(start.Column, 0xFFFFFF) << 8) | flags;

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
    private const byte QuotedFlag = 0x80;

    public ScalarNode(string value, ScalarKind kind, bool quoted, Position start)
        : base(start, (byte)((byte)kind | (quoted ? QuotedFlag : 0))) => Value = value;

    /// <summary>The scalar's text as written (after YAML unescaping).</summary>
    public string Value { get; }

    /// <summary>The type Kubernetes' YAML decoder would give the scalar.</summary>
    public ScalarKind Kind => (ScalarKind)(Flags & 0x7F);

    public bool Quoted => (Flags & QuotedFlag) != 0;

    public bool IsNull => Kind == ScalarKind.Null;

    public override string ToString() => Value;
}

/// <summary>A mapping key: its text and where it is written (keys live inline in their mapping's entries).</summary>
public readonly struct MappingKey
{
    private readonly ulong _packed;

    public MappingKey(string value, Position start)
    {
        Value = value;
        _packed = Node.Pack(start, 0);
    }

    public string Value { get; }

    public Position Start => new((int)(_packed >> 32), (int)((_packed >> 8) & 0xFFFFFF));

    public override string ToString() => Value;
}

/// <summary>One key and its value.</summary>
public readonly record struct MappingEntry(MappingKey Key, Node Value);

public sealed class MappingNode : Node
{
    // Entries sit in one exact-size array; the reader collects them elsewhere and hands them over once, which
    // keeps each of the millions of mappings of a large inventory at three words.
    private MappingEntry[] _entries = [];

    public MappingNode(Position start, MappingEntry[]? entries = null)
        : base(start) => _entries = entries ?? [];

    public IReadOnlyList<MappingEntry> Entries => _entries;

    public int Count => _entries.Length;

    public Node? Get(string key)
    {
        // Mappings in manifests are small: a linear scan beats hashing here.
        var i = IndexOf(key);
        return i < 0 ? null : _entries[i].Value;
    }

    /// <summary>The key of an entry (for its position), if the mapping has it.</summary>
    public MappingKey? KeyOf(string key)
    {
        var i = IndexOf(key);
        return i < 0 ? null : _entries[i].Key;
    }

    public MappingNode? GetMapping(string key) => Get(key) as MappingNode;

    public SequenceNode? GetSequence(string key) => Get(key) as SequenceNode;

    /// <summary>The string value of a scalar child; null when absent, null-valued or not a scalar.</summary>
    public string? GetString(string key) => Get(key) is ScalarNode { IsNull: false } s ? s.Value : null;

    internal int IndexOf(string key)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Hands over the entries once the reader has them all.</summary>
    internal void Complete(MappingEntry[] entries) => _entries = entries;
}

public sealed class SequenceNode : Node
{
    private Node[] _items;

    public SequenceNode(Position start, Node[]? items = null)
        : base(start) => _items = items ?? [];

    public IReadOnlyList<Node> Items => _items;

    /// <summary>Hands over the items once the reader has them all.</summary>
    internal void Complete(Node[] items) => _items = items;
}

/// <summary>RFC 6901 JSON pointers.</summary>
public static class JsonPointer
{
    /// <summary>A JSON pointer as Kubernetes writes a field path: <c>spec.ingress[0].from[1].ipBlock.cidr</c>.</summary>
    public static string ToFieldPath(string pointer)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var token in Split(pointer))
        {
            if (int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                sb.Append('[').Append(token).Append(']');
            }
            else
            {
                if (sb.Length > 0)
                {
                    sb.Append('.');
                }

                sb.Append(token);
            }
        }

        return sb.ToString();
    }

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
