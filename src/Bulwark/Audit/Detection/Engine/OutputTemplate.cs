using System.Text;
using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>
/// A rule's output: text with <c>%field</c> references replaced by the event's values (lists joined with ',',
/// <c>&lt;NA&gt;</c> when missing). A field name ends at the first character that cannot be part of one; trailing
/// dots belong to the text ("by %ka.user.name." ends a sentence). <c>%%</c> is a percent sign.
/// </summary>
public sealed class OutputTemplate
{
    private readonly object[] _parts;

    private OutputTemplate(object[] parts) => _parts = parts;

    /// <summary>The fields the output reads.</summary>
    public IEnumerable<FieldRef> Fields => _parts.OfType<FieldRef>();

    /// <summary>Parses an output; throws <see cref="ConditionCompileException"/> on an unknown field.</summary>
    public static OutputTemplate Parse(SourceText source, FieldTable fields)
    {
        var text = source.Text;
        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.'))
            {
                end++;
            }

            var name = text[start..end];
            while (name.EndsWith('.') && FieldRegistry.Find(name) is null)
            {
                name = name[..^1];
                end--;
            }

            if (name.Length == 0)
            {
                literal.Append('%');
                i++;
                continue;
            }

            var spec = FieldRegistry.Find(name) ?? throw new ConditionCompileException(source, i, $"unknown field '%{name}' in the output");
            string? argument = null;
            if (end < text.Length && text[end] == '[' && spec.Argument != FieldArgument.None)
            {
                var close = text.IndexOf(']', end);
                if (close < 0)
                {
                    throw new ConditionCompileException(source, end, "unclosed '[' in the output");
                }

                argument = text[(end + 1)..close];
                end = close + 1;
            }

            var field = fields.Get(spec, argument, out var error) ?? throw new ConditionCompileException(source, i, error!);
            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(field);
            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }

        return new OutputTemplate([.. parts]);
    }

    /// <summary>The message for the current event.</summary>
    public string Render(EvalContext context)
    {
        if (_parts.Length == 1 && _parts[0] is string only)
        {
            return only;
        }

        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(part as string ?? context.Text((FieldRef)part));
        }

        return sb.ToString();
    }
}
