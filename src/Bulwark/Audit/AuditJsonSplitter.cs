using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bulwark.Audit;

/// <summary>
/// Cuts a stream of text into JSON objects without reading it all: top-level objects (one per line in JSON lines,
/// or spread over lines when pretty-printed), the items of a top-level array, and the items of an EventList (the
/// envelope is kept, its items are handed out one by one). requestObject and responseObject values are dropped
/// while reading. Recovery: a raw line break inside a string, or a line that starts with '{' or '[' while an object
/// is still open, ends the broken object with an error, and reading restarts there (JSON lines are one object per
/// line, and pretty-printers indent nested brackets).
/// </summary>
internal sealed partial class AuditJsonSplitter
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly int _max;
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly Queue<AuditEntry> _pending = new();
    private int _position;
    private int _length;
    private bool _ended;

    private long _line = 1;
    private int _column;
    private int _depth;
    private bool _inString;
    private bool _escape;
    private bool _junk;
    private bool _scalarItem;

    /// <summary>The depth inside an array whose items are handed out one by one (1: a top-level array, 2: EventList items); -1 when none.</summary>
    private int _streamDepth = -1;
    private Capture? _top;
    private Capture? _item;

    public AuditJsonSplitter(TextReader reader, string source, AuditReadOptions options)
    {
        _reader = reader;
        _source = source;
        _max = options.MaxEventChars;
    }

    public bool TryNext(out AuditEntry entry)
    {
        while (_pending.Count == 0 && !_ended)
        {
            if (_position == _length)
            {
                try
                {
                    _length = _reader.Read(_buffer, 0, _buffer.Length);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or DecoderFallbackException)
                {
                    _pending.Enqueue(Error(_line, $"reading stopped: {e.Message}"));
                    _length = 0;
                }

                _position = 0;
                if (_length == 0)
                {
                    _ended = true;
                    var open = _item ?? _top;
                    if (open is not null || _depth > 0)
                    {
                        _pending.Enqueue(Error(open?.Line ?? _line, "truncated JSON at the end of the input"));
                    }

                    break;
                }
            }

            while (_position < _length && _pending.Count == 0)
            {
                Feed(_buffer[_position++]);
            }
        }

        return _pending.TryDequeue(out entry);
    }

    private void Feed(char c)
    {
        var column = _column;
        if (c == '\n')
        {
            _line++;
            _column = 0;
        }
        else
        {
            _column++;
        }

        if (_junk)
        {
            _junk = c != '\n';
            return;
        }

        if (_inString)
        {
            if (c == '\n')
            {
                var open = _item ?? _top;
                _pending.Enqueue(Error(open?.Line ?? _line - 1, "malformed JSON: unterminated string"));
                Reset();
                return;
            }

            Append(c);
            if (_escape)
            {
                _escape = false;
            }
            else if (c == '\\')
            {
                _escape = true;
            }
            else if (c == '"')
            {
                _inString = false;
            }

            return;
        }

        var betweenItems = _item is null && _streamDepth >= 0 && _depth == _streamDepth;
        if (column == 0 && c is '{' or '[' && (_item is not null || (_top is not null && !betweenItems)))
        {
            var open = _item ?? _top!;
            _pending.Enqueue(Error(open.Line, "malformed JSON: truncated (a new line starts before its brackets are closed)"));
            Reset();
            betweenItems = false;
        }

        if (char.IsWhiteSpace(c))
        {
            Append(c);
            return;
        }

        if (betweenItems)
        {
            FeedBetweenItems(c);
            return;
        }

        if (_top is null && _item is null && _depth == 0)
        {
            if (c == '{')
            {
                _top = new Capture(0, _line);
                Append(c);
                _depth = 1;
            }
            else if (c == '[')
            {
                _depth = 1;
                _streamDepth = 1;
            }
            else
            {
                _pending.Enqueue(Error(_line, "not JSON: expected an audit Event, an EventList or an array of them"));
                _junk = true;
            }

            return;
        }

        var target = _item ?? _top!;
        switch (c)
        {
            case '{' or '[':
                if (target.SkipDepth < 0 && _depth == target.Base + 1 && BodyKey().IsMatch(target.Tail()))
                {
                    target.Text.Append("null");
                    target.SkipDepth = _depth;
                }
                else if (c == '[' && target == _top && _item is null && _streamDepth < 0 && _depth == 1 &&
                    ItemsKey().IsMatch(target.Tail()) && EventListKind().IsMatch(target.Text.ToString()))
                {
                    target.Text.Append("[]");
                    _depth++;
                    _streamDepth = _depth;
                    return;
                }
                else
                {
                    Append(c);
                }

                _depth++;
                break;
            case '}' or ']':
                _depth--;
                if (target.SkipDepth == _depth)
                {
                    target.SkipDepth = -1;
                }
                else
                {
                    Append(c);
                }

                if (_depth == target.Base)
                {
                    Complete(target);
                }

                break;
            case '"':
                Append(c);
                _inString = true;
                break;
            default:
                Append(c);
                break;
        }
    }

    private void FeedBetweenItems(char c)
    {
        switch (c)
        {
            case ',':
                _scalarItem = false;
                break;
            case ']':
                _scalarItem = false;
                _depth--;
                _streamDepth = -1;
                if (_top is not null)
                {
                    _top.Text.Append(' ');
                }

                break;
            case '{':
                _item = new Capture(_depth, _line);
                Append(c);
                _depth++;
                break;
            case '[':
                _item = new Capture(_depth, _line) { Error = "an array item is not an object" };
                _depth++;
                break;
            default:
                if (!_scalarItem)
                {
                    _pending.Enqueue(Error(_line, "an array item is not an object"));
                    _scalarItem = true;
                }

                if (c == '"')
                {
                    _inString = true;
                }

                break;
        }
    }

    private void Append(char c)
    {
        var target = _item ?? (_streamDepth >= 0 ? null : _top);
        if (target is null || target.Error is not null || target.SkipDepth >= 0)
        {
            return;
        }

        target.Text.Append(c);
        if (target.Text.Length > _max)
        {
            target.Error = $"event larger than {_max} characters (without request and response bodies): skipped";
            target.Text.Clear();
        }
    }

    private void Complete(Capture capture)
    {
        if (capture == _item)
        {
            _item = null;
        }
        else
        {
            _top = null;
        }

        if (capture.Error is not null)
        {
            _pending.Enqueue(Error(capture.Line, capture.Error));
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(capture.Text.ToString());
        }
        catch (JsonException e)
        {
            _pending.Enqueue(Error(capture.Line + (e.LineNumber ?? 0), $"malformed JSON: {FirstSentence(e.Message)}"));
            return;
        }

        using (document)
        {
            foreach (var entry in AuditEventReader.Interpret(document.RootElement, _source, capture.Line, inList: capture.Base > 0 && _top is not null))
            {
                _pending.Enqueue(entry);
            }
        }
    }

    private void Reset()
    {
        _depth = 0;
        _inString = false;
        _escape = false;
        _scalarItem = false;
        _streamDepth = -1;
        _top = null;
        _item = null;
    }

    private AuditEntry Error(long line, string message) => new(null, new AuditReadError(_source, line, message));

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    [GeneratedRegex("\"(requestObject|responseObject)\"\\s*:\\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BodyKey();

    [GeneratedRegex("\"items\"\\s*:\\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemsKey();

    [GeneratedRegex("\"kind\"\\s*:\\s*\"EventList\"", RegexOptions.CultureInvariant)]
    private static partial Regex EventListKind();

    private sealed class Capture(int @base, long line)
    {
        /// <summary>The depth outside the object: it is complete when the depth comes back to it.</summary>
        public int Base { get; } = @base;

        public long Line { get; } = line;

        public StringBuilder Text { get; } = new();

        public string? Error { get; set; }

        /// <summary>While a body is skipped, the depth at which it started; -1 otherwise.</summary>
        public int SkipDepth { get; set; } = -1;

        public string Tail() => Text.Length <= 64 ? Text.ToString() : Text.ToString(Text.Length - 64, 64);
    }
}
