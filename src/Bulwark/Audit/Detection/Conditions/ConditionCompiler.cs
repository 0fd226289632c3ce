using System.Globalization;
using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Conditions;

/// <summary>A condition compiled to a delegate, with what is known about the events it can match.</summary>
public sealed record CompiledCondition(Func<EvalContext, bool> Evaluate, ConditionFacts Facts);

/// <summary>An error in a condition: its text and the offset where it is.</summary>
public sealed class ConditionCompileException(SourceText source, int offset, string message) : Exception(message)
{
    public SourceText Text { get; } = source;

    public int Offset { get; } = offset;
}

/// <summary>A named condition as the compiler resolves it.</summary>
internal sealed class MacroEntry(string name, SourceText source)
{
    public string Name { get; } = name;

    public SourceText Text { get; } = source;

    public CompiledCondition? Compiled { get; set; }

    public bool Compiling { get; set; }

    public string? Failure { get; set; }
}

/// <summary>
/// Compiles parsed conditions to delegates once, with Falco's semantics: a comparison on a missing field is false;
/// list fields take only in (every value in the set, at least one value), intersects and exists; inside parentheses
/// a bare word naming a list expands to its items; macros are compiled once and shared by every condition using them.
/// </summary>
internal sealed class ConditionCompiler
{
    private readonly FieldTable _fields;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _lists;
    private readonly IReadOnlyDictionary<string, MacroEntry> _macros;
    private readonly Action<MacroEntry, ConditionCompileException> _onMacroError;

    public ConditionCompiler(FieldTable fields, IReadOnlyDictionary<string, IReadOnlyList<string>> lists, IReadOnlyDictionary<string, MacroEntry> macros, Action<MacroEntry, ConditionCompileException> onMacroError)
    {
        _fields = fields;
        _lists = lists;
        _macros = macros;
        _onMacroError = onMacroError;
    }

    /// <summary>Parses and compiles a condition; throws <see cref="ConditionCompileException"/>.</summary>
    public CompiledCondition Compile(SourceText source)
    {
        ConditionNode node;
        try
        {
            node = ConditionParser.Parse(source.Text);
        }
        catch (ConditionSyntaxException e)
        {
            throw new ConditionCompileException(source, e.Offset, e.Message);
        }

        return Compile(node, source);
    }

    /// <summary>Compiles a macro on first use (errors are reported once, against the macro).</summary>
    public CompiledCondition? CompileMacro(MacroEntry macro)
    {
        if (macro.Compiled is not null || macro.Failure is not null)
        {
            return macro.Compiled;
        }

        macro.Compiling = true;
        try
        {
            macro.Compiled = Compile(macro.Text);
        }
        catch (ConditionCompileException e)
        {
            macro.Failure = e.Message;
            _onMacroError(macro, e);
        }
        finally
        {
            macro.Compiling = false;
        }

        return macro.Compiled;
    }

    private CompiledCondition Compile(ConditionNode node, SourceText source) => node switch
    {
        AndNode and => CompileAnd(and, source),
        OrNode or => CompileOr(or, source),
        NotNode not => CompileNot(not, source),
        MacroNode macro => CompileMacroReference(macro, source),
        CompareNode compare => CompileCompare(compare, source),
        _ => throw new ConditionCompileException(source, node.Offset, "unsupported condition"),
    };

    private CompiledCondition CompileAnd(AndNode node, SourceText source)
    {
        var items = node.Items.Select(i => Compile(i, source)).ToList();
        var facts = ConditionFacts.All(items.Select(i => i.Facts));
        var evals = items.Select(i => i.Evaluate).ToArray();
        Func<EvalContext, bool> eval = evals.Length == 2
            ? Both(evals[0], evals[1])
            : ctx =>
            {
                foreach (var e in evals)
                {
                    if (!e(ctx))
                    {
                        return false;
                    }
                }

                return true;
            };
        return new CompiledCondition(eval, facts);
    }

    private static Func<EvalContext, bool> Both(Func<EvalContext, bool> a, Func<EvalContext, bool> b) => ctx => a(ctx) && b(ctx);

    private static Func<EvalContext, bool> Either(Func<EvalContext, bool> a, Func<EvalContext, bool> b) => ctx => a(ctx) || b(ctx);

    private CompiledCondition CompileOr(OrNode node, SourceText source)
    {
        var items = node.Items.Select(i => Compile(i, source)).ToList();
        var facts = ConditionFacts.Any(items.Select(i => i.Facts).ToList());
        var evals = items.Select(i => i.Evaluate).ToArray();
        Func<EvalContext, bool> eval = evals.Length == 2
            ? Either(evals[0], evals[1])
            : ctx =>
            {
                foreach (var e in evals)
                {
                    if (e(ctx))
                    {
                        return true;
                    }
                }

                return false;
            };
        return new CompiledCondition(eval, facts);
    }

    private CompiledCondition CompileNot(NotNode node, SourceText source)
    {
        var inner = Compile(node.Item, source);
        var e = inner.Evaluate;
        return new CompiledCondition(ctx => !e(ctx), inner.Facts.Negated());
    }

    private CompiledCondition CompileMacroReference(MacroNode node, SourceText source)
    {
        if (!_macros.TryGetValue(node.Name, out var macro))
        {
            var hint = _lists.ContainsKey(node.Name) ? $" ('{node.Name}' is a list: use it inside parentheses, e.g. ka.user.name in ({node.Name}))" : string.Empty;
            throw new ConditionCompileException(source, node.Offset, $"unknown macro or field '{node.Name}'{hint}");
        }

        if (macro.Compiling)
        {
            throw new ConditionCompileException(source, node.Offset, $"macro '{node.Name}' refers to itself");
        }

        // The macro's own errors are reported once, at the macro; here only that the reference cannot be used.
        return CompileMacro(macro) ?? throw new ConditionCompileException(source, node.Offset, $"macro '{node.Name}' is invalid: {macro.Failure}");
    }

    private CompiledCondition CompileCompare(CompareNode node, SourceText source)
    {
        var spec = FieldRegistry.Find(node.Field)
            ?? throw new ConditionCompileException(source, node.Offset, $"unknown field '{node.Field}'");
        var field = _fields.Get(spec, node.Argument, out var error)
            ?? throw new ConditionCompileException(source, node.Offset, error!);
        var op = node.Operator;
        if (spec.IsList && op is not ("in" or "intersects" or "exists"))
        {
            throw new ConditionCompileException(source, node.OperatorOffset,
                $"operator '{op}' does not apply to the list field {spec.Name} (use in, intersects or exists)");
        }

        var values = new List<string>();
        foreach (var token in node.Values)
        {
            if (node.ValueList && !token.Quoted && _lists.TryGetValue(token.Text, out var items))
            {
                values.AddRange(items);
            }
            else
            {
                values.Add(token.Text);
            }
        }

        var facts = new ConditionFacts(null, null, null, field.Level);
        if (op is "=" or "in" || (op == "intersects" && !spec.IsList))
        {
            var set = values.ToHashSet(StringComparer.Ordinal);
            facts = Dimension(field) switch
            {
                Dim.Stage => facts with { Stages = set },
                Dim.Verb => facts with { Verbs = set },
                Dim.Resource => facts with { Resources = set },
                Dim.Subresource => facts with { Subresources = set },
                _ => facts,
            };
        }
        else if (op == "exists" && Dimension(field) == Dim.Subresource)
        {
            facts = facts with { IsSubresourceExists = true };
        }

        return new CompiledCondition(spec.IsList ? ListOperator(field, op, values) : ScalarOperator(field, op, values), facts);
    }

    private enum Dim
    {
        None,
        Stage,
        Verb,
        Resource,
        Subresource,
    }

    private static Dim Dimension(FieldRef field) => field.Display switch
    {
        "ka.stage" or "jevt.value[/stage]" => Dim.Stage,
        "ka.verb" or "jevt.value[/verb]" => Dim.Verb,
        "ka.target.resource" or "jevt.value[/objectRef/resource]" => Dim.Resource,
        "ka.target.subresource" or "jevt.value[/objectRef/subresource]" => Dim.Subresource,
        _ => Dim.None,
    };

    private static Func<EvalContext, bool> ListOperator(FieldRef field, string op, List<string> values)
    {
        var set = values.ToHashSet(StringComparer.Ordinal);
        return op switch
        {
            "exists" => ctx => ctx.Get(field) is string[] { Length: > 0 },
            "in" => ctx =>
            {
                if (ctx.Get(field) is not string[] { Length: > 0 } list)
                {
                    return false;
                }

                foreach (var v in list)
                {
                    if (!set.Contains(v))
                    {
                        return false;
                    }
                }

                return true;
            },
            _ => ctx =>
            {
                if (ctx.Get(field) is not string[] list)
                {
                    return false;
                }

                foreach (var v in list)
                {
                    if (set.Contains(v))
                    {
                        return true;
                    }
                }

                return false;
            },
        };
    }

    private static Func<EvalContext, bool> ScalarOperator(FieldRef field, string op, List<string> values)
    {
        if (op == "exists")
        {
            return ctx => ctx.Get(field) is string;
        }

        if (op is "in" or "intersects")
        {
            var set = values.ToHashSet(StringComparer.Ordinal);
            return ctx => ctx.Get(field) is string s && set.Contains(s);
        }

        var c = values[0];
        return op switch
        {
            "=" => ctx => ctx.Get(field) is string s && s == c,
            "!=" => ctx => ctx.Get(field) is string s && s != c,
            "contains" => ctx => ctx.Get(field) is string s && s.Contains(c, StringComparison.Ordinal),
            "icontains" => ctx => ctx.Get(field) is string s && s.Contains(c, StringComparison.OrdinalIgnoreCase),
            "startswith" => ctx => ctx.Get(field) is string s && s.StartsWith(c, StringComparison.Ordinal),
            "endswith" => ctx => ctx.Get(field) is string s && s.EndsWith(c, StringComparison.Ordinal),
            "glob" => ctx => ctx.Get(field) is string s && Glob.IsMatch(c, s),
            "<" => ctx => ctx.Get(field) is string s && Order(s, c) < 0,
            "<=" => ctx => ctx.Get(field) is string s && Order(s, c) <= 0,
            ">" => ctx => ctx.Get(field) is string s && Order(s, c) > 0,
            ">=" => ctx => ctx.Get(field) is string s && Order(s, c) >= 0,
            _ => throw new InvalidOperationException($"operator {op}"),
        };
    }

    /// <summary>Numbers compare as numbers; anything else compares as ordinal strings.</summary>
    private static int Order(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) &&
        double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);
}
