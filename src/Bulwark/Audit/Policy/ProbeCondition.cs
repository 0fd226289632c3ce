using System.Globalization;
using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Policy;

/// <summary>Three-valued truth: what a condition says of a probe whose event is only partly known.</summary>
internal enum Tri : byte
{
    False,
    True,
    Unknown,
}

/// <summary>
/// The fields a probe's event is known to carry (the request attributes: user, groups, verb, stage, objectRef, URI),
/// by field key (<c>ka.user.name</c>, <c>jevt.value[/verb]</c>). A key present with a null value is a field the event
/// does not carry; a key absent is unknown (bodies, response code, source address, annotations...).
/// </summary>
internal sealed class ProbeFields
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public void Set(string key, object? value) => _values[key] = value;

    /// <summary>Makes a field unknown (a create's object name is only known from its body).</summary>
    public void Forget(string key) => _values.Remove(key);

    public bool TryGet(string key, out object? value) => _values.TryGetValue(key, out value);
}

/// <summary>Literal values a condition compares request attributes with: extra users, namespaces, names and paths to probe.</summary>
internal sealed class ConditionLiterals
{
    public HashSet<string> Users { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Evaluates rule conditions in three-valued (Kleene) logic against probes: comparisons on the request attributes a
/// probe fixes are decided with the engine's semantics (a missing field makes every comparison false; list fields take
/// in, intersects and exists; list names in parentheses expand to their items); comparisons on anything else are
/// unknown. A probe is relevant to a rule when its condition is not false and none of its exceptions is true.
/// </summary>
internal sealed class ProbeConditionEvaluator
{
    private const int MaxDepth = 64;
    private const int MaxLiterals = 40;

    private static readonly HashSet<string> UserKeys = ["ka.user.name", "jevt.value[/user/username]"];
    private static readonly HashSet<string> NamespaceKeys = ["ka.target.namespace", "jevt.value[/objectRef/namespace]"];
    private static readonly HashSet<string> NameKeys = ["ka.target.name", "ka.req.configmap.name", "jevt.value[/objectRef/name]"];
    private static readonly HashSet<string> PathKeys = ["ka.uri", "ka.uri.path", "jevt.value[/requestURI]"];

    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _lists;
    private readonly Dictionary<string, string> _macros = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConditionNode?> _parsed = new(StringComparer.Ordinal);

    public ProbeConditionEvaluator(CompiledPack pack, AuditTuning? tuning)
    {
        _lists = pack.Lists;
        foreach (var m in pack.Source.Macros)
        {
            _macros[m.Name] = m.Condition.Text;
        }

        foreach (var m in (tuning ?? AuditTuning.None).Macros)
        {
            if (_macros.ContainsKey(m.Name))
            {
                _macros[m.Name] = m.Condition.Text;
            }
        }
    }

    /// <summary>A parsed condition (cached); null when it does not parse (the pack reports that error itself).</summary>
    public ConditionNode? Parse(string text)
    {
        if (!_parsed.TryGetValue(text, out var node))
        {
            try
            {
                node = ConditionParser.Parse(text);
            }
            catch (ConditionSyntaxException)
            {
                node = null;
            }

            _parsed[text] = node;
        }

        return node;
    }

    public Tri Evaluate(ConditionNode? node, ProbeFields fields) => node is null ? Tri.Unknown : Eval(node, fields, 0);

    /// <summary>Collects the literal users, namespaces, names and paths a condition compares with (through macros).</summary>
    public void Harvest(ConditionNode? node, ConditionLiterals into) => Harvest(node, into, 0);

    private Tri Eval(ConditionNode node, ProbeFields fields, int depth)
    {
        if (depth > MaxDepth)
        {
            return Tri.Unknown;
        }

        switch (node)
        {
            case AndNode and:
                var andResult = Tri.True;
                foreach (var item in and.Items)
                {
                    var v = Eval(item, fields, depth + 1);
                    if (v == Tri.False)
                    {
                        return Tri.False;
                    }

                    if (v == Tri.Unknown)
                    {
                        andResult = Tri.Unknown;
                    }
                }

                return andResult;
            case OrNode or:
                var orResult = Tri.False;
                foreach (var item in or.Items)
                {
                    var v = Eval(item, fields, depth + 1);
                    if (v == Tri.True)
                    {
                        return Tri.True;
                    }

                    if (v == Tri.Unknown)
                    {
                        orResult = Tri.Unknown;
                    }
                }

                return orResult;
            case NotNode not:
                return Eval(not.Item, fields, depth + 1) switch
                {
                    Tri.True => Tri.False,
                    Tri.False => Tri.True,
                    _ => Tri.Unknown,
                };
            case MacroNode macro:
                return _macros.TryGetValue(macro.Name, out var text) && Parse(text) is { } body ? Eval(body, fields, depth + 1) : Tri.Unknown;
            case CompareNode compare:
                return Compare(compare, fields);
            default:
                return Tri.Unknown;
        }
    }

    private static string? Key(CompareNode node)
    {
        var spec = FieldRegistry.Find(node.Field);
        return spec is null ? null : node.Argument is null ? spec.Name : $"{spec.Name}[{node.Argument}]";
    }

    private List<string> Values(CompareNode node)
    {
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

        return values;
    }

    private Tri Compare(CompareNode node, ProbeFields fields)
    {
        if (Key(node) is not { } key || !fields.TryGet(key, out var value))
        {
            return Tri.Unknown;
        }

        var op = node.Operator;
        var values = Values(node);
        bool result;
        if (value is string[] list)
        {
            var set = values.ToHashSet(StringComparer.Ordinal);
            result = op switch
            {
                "exists" => list.Length > 0,
                "in" => list.Length > 0 && list.All(set.Contains),
                "intersects" => list.Any(set.Contains),
                _ => false,
            };
        }
        else if (value is not string s)
        {
            result = false;
        }
        else if (op == "exists")
        {
            result = true;
        }
        else if (op is "in" or "intersects")
        {
            result = values.Contains(s, StringComparer.Ordinal);
        }
        else
        {
            var c = values.Count > 0 ? values[0] : string.Empty;
            result = op switch
            {
                "=" => s == c,
                "!=" => s != c,
                "contains" => s.Contains(c, StringComparison.Ordinal),
                "icontains" => s.Contains(c, StringComparison.OrdinalIgnoreCase),
                "startswith" => s.StartsWith(c, StringComparison.Ordinal),
                "endswith" => s.EndsWith(c, StringComparison.Ordinal),
                "glob" => Glob.IsMatch(c, s),
                "<" => Order(s, c) < 0,
                "<=" => Order(s, c) <= 0,
                ">" => Order(s, c) > 0,
                ">=" => Order(s, c) >= 0,
                _ => false,
            };
        }

        return result ? Tri.True : Tri.False;
    }

    private static int Order(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) &&
        double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);

    private void Harvest(ConditionNode? node, ConditionLiterals into, int depth)
    {
        if (node is null || depth > MaxDepth)
        {
            return;
        }

        switch (node)
        {
            case AndNode and:
                foreach (var item in and.Items)
                {
                    Harvest(item, into, depth + 1);
                }

                break;
            case OrNode or:
                foreach (var item in or.Items)
                {
                    Harvest(item, into, depth + 1);
                }

                break;
            case NotNode not:
                Harvest(not.Item, into, depth + 1);
                break;
            case MacroNode macro when _macros.TryGetValue(macro.Name, out var text):
                Harvest(Parse(text), into, depth + 1);
                break;
            case CompareNode compare when Key(compare) is { } key:
                var exact = compare.Operator is "=" or "in" or "intersects";
                var prefix = compare.Operator == "startswith";
                if (!exact && !prefix)
                {
                    break;
                }

                foreach (var v in Values(compare))
                {
                    if (UserKeys.Contains(key))
                    {
                        Add(into.Users, prefix ? v + "probe" : v);
                    }
                    else if (NamespaceKeys.Contains(key) && v.Length > 0)
                    {
                        Add(into.Namespaces, prefix ? v + "probe" : v);
                    }
                    else if (NameKeys.Contains(key) && v.Length > 0)
                    {
                        Add(into.Names, prefix ? v + "probe" : v);
                    }
                    else if (PathKeys.Contains(key) && v.StartsWith('/'))
                    {
                        var path = v.Split('?')[0];
                        if (!path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/apis/", StringComparison.Ordinal))
                        {
                            Add(into.Paths, path);
                        }
                    }
                }

                break;
        }
    }

    private static void Add(HashSet<string> set, string value)
    {
        if (set.Count < MaxLiterals)
        {
            set.Add(value);
        }
    }
}
