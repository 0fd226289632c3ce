using Bulwark.Findings;
using Bulwark.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Bulwark.Loading;

/// <summary>
/// Reads a YAML (or JSON) text into Bulwark nodes, one document at a time, with positions, Kubernetes scalar
/// typing, merge keys, duplicate-key reports and the bounds of <see cref="LoadLimits"/>.
/// </summary>
public sealed class YamlDocumentReader
{
    private const string StringTag = "tag:yaml.org,2002:str";
    private readonly string _file;
    private readonly LoadLimits _limits;
    private readonly List<InputError> _errors;

    public YamlDocumentReader(string file, LoadLimits limits, List<InputError> errors)
    {
        _file = file;
        _limits = limits;
        _errors = errors;
    }

    /// <summary>Where the last parser event started: the best position for errors the parser reports without one.</summary>
    private Position _lastEvent = new(1, 1);

    /// <summary>Yields every document's root node (null for an empty document). Stops at the first syntax error.</summary>
    public IEnumerable<(int Index, Node? Root, Position Start)> ReadDocuments(string text)
    {
        var parser = new Parser(new StringReader(text));
        var index = 0;
        while (true)
        {
            Node? root;
            Position start;
            bool more;
            try
            {
                more = NextDocument(parser, out root, out start);
            }
            catch (YamlException ex)
            {
                _errors.Add(new InputError(_file, (int)ex.Start.Line, (int)ex.Start.Column, "syntax", "YAML syntax error: " + CleanMessage(ex)));
                yield break;
            }
            catch (LimitExceededException ex)
            {
                _errors.Add(new InputError(_file, ex.Position.Line, ex.Position.Column, "limit", ex.Message));
                yield break;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner throws this instead of a YamlException on some malformed flow collections
                // (e.g. "[{a: {b: c}]" followed by more lines): still a syntax error, located at the last event read.
                _errors.Add(new InputError(_file, _lastEvent.Line, _lastEvent.Column, "syntax",
                    "YAML syntax error: malformed flow collection (unbalanced brackets or braces) after this point"));
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            yield return (index++, root, start);
        }
    }

    private static string CleanMessage(YamlException ex)
    {
        var message = ex.InnerException is YamlException inner && !string.IsNullOrWhiteSpace(inner.Message) ? inner : ex;
        var text = message.Message;
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var cut = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
        {
            text = text[(cut + 3)..];
        }

        return text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
    }

    private bool NextDocument(Parser parser, out Node? root, out Position start)
    {
        root = null;
        start = default;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case StreamStart:
                    continue;
                case StreamEnd:
                    return false;
                case DocumentStart ds:
                    start = new Position((int)ds.Start.Line, (int)ds.Start.Column);
                    root = ReadDocumentBody(parser, ds);
                    return true;
            }
        }

        return false;
    }

    private Node? ReadDocumentBody(Parser parser, DocumentStart documentStart)
    {
        var anchors = new Dictionary<string, (Node Node, long Size)>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        Node? root = null;
        long expanded = 0;
        var startIndex = documentStart.Start.Index;

        while (parser.MoveNext())
        {
            var ev = parser.Current!;
            _lastEvent = new Position((int)ev.Start.Line, (int)ev.Start.Column);
            if (ev is DocumentEnd)
            {
                if (ev.End.Index - startIndex > _limits.MaxDocumentChars)
                {
                    throw new LimitExceededException(At(documentStart.Start), $"document is larger than the limit of {_limits.MaxDocumentChars:N0} characters");
                }

                return root;
            }

            Node? completed = null;
            long completedSize = 1; // nodes in the completed subtree once aliases are expanded
            string? anchor = null;
            switch (ev)
            {
                case Scalar scalar:
                    completed = MakeScalar(scalar);
                    anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                    expanded++;
                    break;
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                    {
                        throw new YamlException(alias.Start, alias.End, $"unknown anchor '{alias.Value.Value}'");
                    }

                    (completed, completedSize) = anchored;
                    expanded += completedSize;
                    break;
                case MappingStart ms:
                    Push(stack, new Frame(new MappingNode(At(ms.Start)), ms.Anchor.IsEmpty ? null : ms.Anchor.Value), ms.Start);
                    expanded++;
                    break;
                case SequenceStart ss:
                    Push(stack, new Frame(new SequenceNode(At(ss.Start)), ss.Anchor.IsEmpty ? null : ss.Anchor.Value), ss.Start);
                    expanded++;
                    break;
                case MappingEnd or SequenceEnd:
                    var frame = stack.Pop();
                    frame.Complete();
                    completed = frame.Node;
                    completedSize = frame.Size;
                    anchor = frame.Anchor;
                    break;
            }

            if (expanded > _limits.MaxExpandedNodes)
            {
                throw new LimitExceededException(At(ev.Start), $"document expands to more than {_limits.MaxExpandedNodes:N0} nodes (alias expansion or size limit)");
            }

            if (completed is null)
            {
                continue;
            }

            if (anchor is not null)
            {
                anchors[anchor] = (completed, completedSize);
            }

            if (stack.Count == 0)
            {
                root = completed;
            }
            else
            {
                stack.Peek().Size += completedSize;
                AddToParent(stack.Peek(), completed, ev);
            }
        }

        return root;
    }

    private void Push(Stack<Frame> stack, Frame frame, Mark mark)
    {
        if (stack.Count >= _limits.MaxDepth)
        {
            throw new LimitExceededException(At(mark), $"nesting deeper than the limit of {_limits.MaxDepth} levels");
        }

        stack.Push(frame);
    }

    private void AddToParent(Frame parent, Node child, ParsingEvent ev)
    {
        if (parent.Items is { } items)
        {
            items.Add(child);
            return;
        }

        var entries = parent.Entries!;
        if (parent.PendingKey is null)
        {
            if (child is not ScalarNode key)
            {
                throw new YamlException(ev.Start, ev.End, "a mapping key must be a scalar (Kubernetes objects are JSON objects)");
            }

            parent.PendingKey = key;
            return;
        }

        var k = parent.PendingKey;
        parent.PendingKey = null;
        if (k.Value == "<<" && !k.Quoted)
        {
            Merge(parent, child, ev);
            return;
        }

        var entryKey = new MappingKey(k.Value, k.Start);
        var existing = IndexOf(entries, k.Value);
        if (existing < 0)
        {
            entries.Add(new MappingEntry(entryKey, child));
            return;
        }

        if (parent.MergedKeys?.Remove(k.Value) != true)
        {
            var first = entries[existing].Key.Start;
            _errors.Add(new InputError(_file, k.Start.Line, k.Start.Column, "duplicate-key",
                $"duplicate key '{k.Value}' (first at line {first.Line}); the last value is used, and kubectl --validate=strict rejects it",
                InputErrorLevel.Warning));
        }

        entries[existing] = new MappingEntry(entryKey, child);
    }

    private static int IndexOf(List<MappingEntry> entries, string key)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Merge(Frame parent, Node value, ParsingEvent ev)
    {
        var sources = value switch
        {
            MappingNode m => new[] { m },
            SequenceNode s when s.Items.All(i => i is MappingNode) => s.Items.Cast<MappingNode>().ToArray(),
            _ => throw new YamlException(ev.Start, ev.End, "a merge key '<<' needs a mapping or a sequence of mappings"),
        };
        var entries = parent.Entries!;
        foreach (var source in sources)
        {
            foreach (var entry in source.Entries)
            {
                if (IndexOf(entries, entry.Key.Value) >= 0)
                {
                    continue;
                }

                entries.Add(entry);
                (parent.MergedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(entry.Key.Value);
            }
        }
    }

    /// <summary>Shares short scalar texts across the whole scan (see <see cref="StringPool"/>).</summary>
    private static string Share(string value) => StringPool.Share(value);

    private ScalarNode MakeScalar(Scalar scalar)
    {
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
        ScalarKind kind;
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value is StringTag or "!!str")
        {
            kind = ScalarKind.String;
            quoted = true;
        }
        else if (quoted || !scalar.IsPlainImplicit)
        {
            kind = ScalarKind.String;
        }
        else
        {
            kind = ScalarResolver.Resolve(scalar.Value);
        }

        return new ScalarNode(Share(scalar.Value), kind, quoted, At(scalar.Start));
    }

    private static Position At(Mark mark) => new((int)mark.Line, (int)mark.Column);

    /// <summary>A mapping or sequence being read: its children are collected here and handed to the node at its end.</summary>
    private sealed class Frame
    {
        public Frame(Node node, string? anchor)
        {
            Node = node;
            Anchor = anchor;
            if (node is MappingNode)
            {
                Entries = new List<MappingEntry>(4);
            }
            else
            {
                Items = new List<Node>(4);
            }
        }

        public Node Node { get; }

        public string? Anchor { get; }

        public List<MappingEntry>? Entries { get; }

        public List<Node>? Items { get; }

        /// <summary>Nodes in the subtree so far, aliases expanded (bounds alias bombs).</summary>
        public long Size { get; set; } = 1;

        public void Complete()
        {
            switch (Node)
            {
                case MappingNode map:
                    map.Complete(Entries!.ToArray());
                    break;
                case SequenceNode seq:
                    seq.Complete(Items!.ToArray());
                    break;
            }
        }

        public ScalarNode? PendingKey { get; set; }

        public HashSet<string>? MergedKeys { get; set; }
    }
}

/// <summary>Raised when input exceeds one of the <see cref="LoadLimits"/>.</summary>
public sealed class LimitExceededException : Exception
{
    public LimitExceededException(Position position, string message)
        : base(message) => Position = position;

    public Position Position { get; }
}
