namespace Bulwark.Audit.Detection.Reading;

/// <summary>What <see cref="AuditLineReader.Next"/> found.</summary>
internal enum LineStatus
{
    /// <summary>A complete line (without its line break).</summary>
    Line,

    /// <summary>A line longer than the limit ended here; it was skipped without being kept.</summary>
    TooLong,

    /// <summary>Following: no complete line yet, the stream is at its current end (a partial line is kept).</summary>
    Pending,

    /// <summary>The end of the input (any last line without a line break was returned first).</summary>
    End,
}

/// <summary>
/// Cuts a byte stream into lines without decoding it: one growing buffer (up to the line limit), line breaks found
/// with vectorised search, lines handed out as slices of the buffer, valid until the next call. A line longer than
/// the limit is dropped while it is read, so a hostile log costs no more memory than the limit.
/// </summary>
internal sealed class AuditLineReader
{
    private readonly int _maxLine;
    private Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _skipping;
    private long _skipLine;

    public AuditLineReader(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLine = maxLineBytes;
    }

    /// <summary>The number of the next line (1-based).</summary>
    public long NextLine { get; private set; } = 1;

    /// <summary>Bytes read from the current stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Whether a partial line (no line break yet) is held.</summary>
    public bool HasPartialLine => _end > _start || _skipping;

    /// <summary>Reads the next line. With <paramref name="follow"/>, the end of the stream is not the end of the input.</summary>
    public LineStatus Next(bool follow, out ReadOnlyMemory<byte> line, out long lineNumber)
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            var newline = window.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var begin = _start;
                _start += newline + 1;
                lineNumber = NextLine++;
                if (_skipping)
                {
                    _skipping = false;
                    line = default;
                    lineNumber = _skipLine;
                    return LineStatus.TooLong;
                }

                if (newline > _maxLine)
                {
                    line = default;
                    return LineStatus.TooLong;
                }

                line = _buffer.AsMemory(begin, newline);
                return LineStatus.Line;
            }

            if (_skipping)
            {
                _start = _end = 0;
            }
            else if (_end - _start > _maxLine)
            {
                _skipping = true;
                _skipLine = NextLine;
                _start = _end = 0;
            }

            if (!Fill())
            {
                if (follow)
                {
                    line = default;
                    lineNumber = NextLine;
                    return LineStatus.Pending;
                }

                return TakeRest(out line, out lineNumber);
            }
        }
    }

    /// <summary>At the real end of a stream: the last line without a line break, if any.</summary>
    public LineStatus TakeRest(out ReadOnlyMemory<byte> line, out long lineNumber)
    {
        lineNumber = NextLine;
        line = default;
        if (_skipping)
        {
            _skipping = false;
            NextLine++;
            lineNumber = _skipLine;
            return LineStatus.TooLong;
        }

        if (_end > _start)
        {
            var length = _end - _start;
            line = length > _maxLine ? default : _buffer.AsMemory(_start, length);
            _start = _end;
            NextLine++;
            return length > _maxLine ? LineStatus.TooLong : LineStatus.Line;
        }

        return LineStatus.End;
    }

    /// <summary>Continues with another stream (a rotated log's new file): line numbers start again at 1.</summary>
    public void Switch(Stream stream)
    {
        _stream = stream;
        _start = _end = 0;
        _skipping = false;
        NextLine = 1;
        BytesRead = 0;
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Grow up to the line limit (plus the byte that proves a line is too long).
            var size = (int)Math.Min((long)_buffer.Length * 2, (long)_maxLine + 2);
            if (size <= _buffer.Length)
            {
                size = _buffer.Length + 1;
            }

            Array.Resize(ref _buffer, size);
        }

        var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n <= 0)
        {
            return false;
        }

        BytesRead += n;
        _end += n;
        return true;
    }
}
