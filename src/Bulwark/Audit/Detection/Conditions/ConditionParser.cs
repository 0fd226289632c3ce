namespace Bulwark.Audit.Detection.Conditions;

/// <summary>
/// Parses Falco's condition language: <c>and</c>, <c>or</c>, <c>not</c>, parentheses (<c>and</c> binds tighter
/// than <c>or</c>, <c>not</c> tighter than both), macro names, and comparisons <c>field op value</c>,
/// <c>field in (a, "b c", list)</c>, <c>field intersects (...)</c>, <c>field exists</c>.
/// </summary>
internal sealed class ConditionParser
{
    public static readonly IReadOnlySet<string> SymbolOperators = new HashSet<string>(StringComparer.Ordinal) { "=", "==", "!=", "<", "<=", ">", ">=" };

    public static readonly IReadOnlySet<string> WordOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "contains", "icontains", "startswith", "endswith", "glob", "in", "intersects", "exists",
    };

    private static readonly IReadOnlySet<string> UnsupportedOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "pmatch", "bcontains", "bstartswith", "regex", "iglob",
    };

    private readonly string _text;
    private int _pos;

    private ConditionParser(string text) => _text = text;

    public static ConditionNode Parse(string text)
    {
        var parser = new ConditionParser(text);
        parser.SkipSpace();
        if (parser.AtEnd)
        {
            throw new ConditionSyntaxException(0, "empty condition");
        }

        var node = parser.ParseOr();
        parser.SkipSpace();
        if (!parser.AtEnd)
        {
            throw new ConditionSyntaxException(parser._pos, parser.Peek() == ')'
                ? "unbalanced parenthesis: ')' without '('"
                : $"unexpected '{parser.Word()}' (expected and, or, or the end of the condition)");
        }

        return node;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Peek() => AtEnd ? '\0' : _text[_pos];

    private ConditionNode ParseOr()
    {
        var start = _pos;
        var items = new List<ConditionNode> { ParseAnd() };
        while (Keyword("or"))
        {
            items.Add(ParseAnd());
        }

        return items.Count == 1 ? items[0] : new OrNode(start, items);
    }

    private ConditionNode ParseAnd()
    {
        var start = _pos;
        var items = new List<ConditionNode> { ParseNot() };
        while (Keyword("and"))
        {
            items.Add(ParseNot());
        }

        return items.Count == 1 ? items[0] : new AndNode(start, items);
    }

    private ConditionNode ParseNot()
    {
        SkipSpace();
        var start = _pos;
        return Keyword("not") ? new NotNode(start, ParseNot()) : ParsePrimary();
    }

    private ConditionNode ParsePrimary()
    {
        SkipSpace();
        var start = _pos;
        if (AtEnd)
        {
            throw new ConditionSyntaxException(_pos, "unexpected end of the condition (expected a field, a macro or '(')");
        }

        if (Peek() == '(')
        {
            _pos++;
            var inner = ParseOr();
            SkipSpace();
            if (Peek() != ')')
            {
                throw new ConditionSyntaxException(AtEnd ? start : _pos, AtEnd
                    ? "unbalanced parenthesis: this '(' is never closed"
                    : $"unexpected '{Word()}' (expected and, or, or ')')");
            }

            _pos++;
            return inner;
        }

        if (Peek() == ')')
        {
            throw new ConditionSyntaxException(_pos, "unexpected ')' (expected a field, a macro or '(')");
        }

        var name = ReadName();
        if (name.Length == 0)
        {
            throw new ConditionSyntaxException(_pos, $"unexpected '{Word()}' (expected a field, a macro or '(')");
        }

        if (name is "and" or "or")
        {
            throw new ConditionSyntaxException(start, $"unexpected '{name}' (expected a field, a macro or '(')");
        }

        string? argument = null;
        if (Peek() == '[')
        {
            var close = _text.IndexOf(']', _pos);
            if (close < 0)
            {
                throw new ConditionSyntaxException(_pos, "unclosed '[' in a field argument");
            }

            argument = _text[(_pos + 1)..close];
            _pos = close + 1;
        }

        SkipSpace();
        var opStart = _pos;
        var op = ReadOperator();
        if (op is null)
        {
            if (argument is not null || name.Contains('.'))
            {
                throw new ConditionSyntaxException(AtEnd ? start : _pos, AtEnd
                    ? $"field {name} needs an operator (=, !=, in, exists, ...)"
                    : $"expected an operator after {name}, found '{Word()}'");
            }

            return new MacroNode(start, name);
        }

        if (op == "exists")
        {
            return new CompareNode(start, name, argument, opStart, op, [], false);
        }

        if (op is "in" or "intersects")
        {
            SkipSpace();
            if (Peek() != '(')
            {
                throw new ConditionSyntaxException(_pos, $"'{op}' needs a list in parentheses, e.g. {op} (a, b)");
            }

            var open = _pos++;
            var values = new List<ValueToken>();
            SkipSpace();
            if (Peek() == ')')
            {
                _pos++;
                return new CompareNode(start, name, argument, opStart, op, values, true);
            }

            while (true)
            {
                values.Add(ReadValue());
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }

                if (Peek() == ')')
                {
                    _pos++;
                    break;
                }

                throw new ConditionSyntaxException(AtEnd ? open : _pos, AtEnd
                    ? "unbalanced parenthesis: this list is never closed"
                    : $"expected ',' or ')' in the list, found '{Word()}'");
            }

            return new CompareNode(start, name, argument, opStart, op, values, true);
        }

        return new CompareNode(start, name, argument, opStart, op, [ReadValue()], false);
    }

    private string? ReadOperator()
    {
        if (AtEnd)
        {
            return null;
        }

        foreach (var symbol in new[] { "==", "!=", "<=", ">=", "=", "<", ">" })
        {
            if (string.CompareOrdinal(_text, _pos, symbol, 0, symbol.Length) == 0)
            {
                _pos += symbol.Length;
                return symbol == "==" ? "=" : symbol;
            }
        }

        var save = _pos;
        var word = ReadName();
        if (WordOperators.Contains(word))
        {
            return word;
        }

        if (UnsupportedOperators.Contains(word))
        {
            throw new ConditionSyntaxException(save, $"operator '{word}' is not supported (use =, !=, <, <=, >, >=, contains, icontains, startswith, endswith, glob, in, intersects, exists)");
        }

        _pos = save;
        return null;
    }

    private ValueToken ReadValue()
    {
        SkipSpace();
        var start = _pos;
        if (AtEnd)
        {
            throw new ConditionSyntaxException(_pos, "expected a value at the end of the condition");
        }

        var c = Peek();
        if (c is '"' or '\'')
        {
            var sb = new System.Text.StringBuilder();
            _pos++;
            while (true)
            {
                if (AtEnd)
                {
                    throw new ConditionSyntaxException(start, "unterminated quoted string");
                }

                var ch = _text[_pos++];
                if (ch == c)
                {
                    break;
                }

                if (ch == '\\' && !AtEnd)
                {
                    ch = _text[_pos++];
                }

                sb.Append(ch);
            }

            return new ValueToken(start, sb.ToString(), true);
        }

        while (!AtEnd && !char.IsWhiteSpace(Peek()) && Peek() is not '(' and not ')' and not ',' and not '"' and not '\'')
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw new ConditionSyntaxException(start, $"expected a value, found '{Peek()}'");
        }

        return new ValueToken(start, _text[start.._pos], false);
    }

    private string ReadName()
    {
        var start = _pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek()) || Peek() is '_' or '.' or '-'))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private bool Keyword(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            return false;
        }

        var end = _pos + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] is '_' or '.' or '-' or '['))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private string Word()
    {
        var end = _pos;
        while (end < _text.Length && !char.IsWhiteSpace(_text[end]) && end - _pos < 40)
        {
            end++;
        }

        return end == _pos ? Peek().ToString() : _text[_pos..end];
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Peek()))
        {
            _pos++;
        }
    }
}
