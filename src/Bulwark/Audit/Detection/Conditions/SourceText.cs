using Bulwark.Model;

namespace Bulwark.Audit.Detection.Conditions;

/// <summary>
/// A condition's text and where it was written, so that an error at an offset of the text is reported at the file's
/// line and column. YAML may fold or quote the text: offsets are mapped by walking the raw file from the scalar's
/// start, matching the text's non-blank characters in order.
/// </summary>
public sealed class SourceText
{
    private readonly string? _file;
    private readonly int _fileStart;

    private SourceText(string text, string path, Position start, string? file, int fileStart)
    {
        Text = text;
        Path = path;
        Start = start;
        _file = file;
        _fileStart = fileStart;
    }

    public string Text { get; }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Where the scalar starts.</summary>
    public Position Start { get; }

    /// <summary>Text not read from a file (tests, command line): offsets map to column offset + 1 of line 1.</summary>
    public static SourceText Inline(string text, string path = "<condition>") => new(text, path, new Position(1, 1), null, 0);

    /// <summary>A scalar of a YAML file.</summary>
    public static SourceText FromYaml(string text, string path, Position start, string fileText)
    {
        var offset = OffsetOf(fileText, start);
        return new SourceText(text, path, start, fileText, offset);
    }

    /// <summary>The line and column of an offset of <see cref="Text"/>.</summary>
    public Position PositionOf(int offset)
    {
        if (_file is null)
        {
            return new Position(Start.Line, Start.Column + Math.Max(0, offset));
        }

        var p = _fileStart;
        if (p < _file.Length && _file[p] is '>' or '|')
        {
            // A block scalar: its text starts on the next line.
            var eol = _file.IndexOf('\n', p);
            p = eol < 0 ? _file.Length : eol + 1;
        }
        else if (p < _file.Length && _file[p] is '"' or '\'')
        {
            p++;
        }

        var limit = Math.Min(offset, Text.Length);
        for (var i = 0; i < limit; i++)
        {
            var c = Text[i];
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            while (p < _file.Length && char.IsWhiteSpace(_file[p]))
            {
                p++;
            }

            if (p >= _file.Length || _file[p] != c)
            {
                // Escapes or an unexpected layout: fall back to the scalar's start.
                return Start;
            }

            p++;
        }

        // Point at the character the offset names (past any line break or indentation before it); at the end, just after the text.
        if (offset < Text.Length && !char.IsWhiteSpace(Text[offset]))
        {
            while (p < _file.Length && char.IsWhiteSpace(_file[p]))
            {
                p++;
            }
        }

        return PositionAt(_file, p);
    }

    private static int OffsetOf(string text, Position at)
    {
        var line = 1;
        var i = 0;
        while (line < at.Line && i < text.Length)
        {
            var eol = text.IndexOf('\n', i);
            if (eol < 0)
            {
                return text.Length;
            }

            i = eol + 1;
            line++;
        }

        return Math.Min(text.Length, i + Math.Max(0, at.Column - 1));
    }

    private static Position PositionAt(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new Position(line, offset - lineStart + 1);
    }
}
