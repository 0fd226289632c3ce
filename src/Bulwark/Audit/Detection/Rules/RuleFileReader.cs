using System.Text.RegularExpressions;
using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;

namespace Bulwark.Audit.Detection.Rules;

/// <summary>What one rule file defines, or its errors.</summary>
internal sealed record RuleFile(List<ListDefinition> Lists, List<MacroDefinition> Macros, List<RuleDefinition> Rules, List<RuleLoadError> Errors);

/// <summary>
/// Reads one rule file with a strict schema: each YAML document is a list, a macro or a rule (docs/audit-rules.md);
/// unknown keys, wrong types and bad values are errors at their line and column.
/// </summary>
internal static partial class RuleFileReader
{
    private static readonly string[] RuleKeys =
    [
        "rule", "title", "severity", "controls", "description", "enabled", "stages", "level", "resources", "verbs",
        "condition", "exceptions", "output", "equivalents", "aggregate",
    ];

    public static RuleFile Read(string path, string text)
    {
        var result = new RuleFile([], [], [], []);
        var inputErrors = new List<InputError>();
        var reader = new YamlDocumentReader(path, LoadLimits.Default, inputErrors);
        foreach (var (_, root, start) in reader.ReadDocuments(text))
        {
            if (root is null || root is ScalarNode { IsNull: true })
            {
                continue;
            }

            try
            {
                ReadDocument(path, text, root, result);
            }
            catch (RuleSchemaException e)
            {
                result.Errors.Add(e.Error);
            }
        }

        foreach (var e in inputErrors.Where(e => e.Level == InputErrorLevel.Error))
        {
            result.Errors.Add(new RuleLoadError(e.File, e.Line, e.Column, e.Message));
        }

        return result;
    }

    private static void ReadDocument(string path, string text, Node root, RuleFile file)
    {
        var map = root as MappingNode ?? throw Error(path, root.Start, "a document must be a mapping with a list, macro or rule key");
        var kinds = new[] { "list", "macro", "rule" }.Where(k => map.Get(k) is not null).ToList();
        if (kinds.Count != 1)
        {
            throw Error(path, map.Start, kinds.Count == 0
                ? "a document must have exactly one of the keys list, macro or rule"
                : $"a document defines one thing, not several ({string.Join(", ", kinds)})");
        }

        switch (kinds[0])
        {
            case "list":
                file.Lists.Add(ReadList(path, map));
                break;
            case "macro":
                file.Macros.Add(ReadMacro(path, text, map));
                break;
            default:
                file.Rules.Add(ReadRule(path, text, map));
                break;
        }
    }

    private static ListDefinition ReadList(string path, MappingNode map)
    {
        CheckKeys(path, map, ["list", "items"], "a list");
        var name = Name(path, map, "list");
        var items = map.Get("items") is { } node ? Strings(path, node, allowEmpty: true) : throw Error(path, map.Start, $"list '{name}' needs items");
        return new ListDefinition(name, items, path, map.KeyOf("list")!.Value.Start.Line);
    }

    private static MacroDefinition ReadMacro(string path, string text, MappingNode map)
    {
        CheckKeys(path, map, ["macro", "condition"], "a macro");
        var name = Name(path, map, "macro");
        var condition = Text(path, text, map, "condition") ?? throw Error(path, map.Start, $"macro '{name}' needs a condition");
        return new MacroDefinition(name, condition, path, map.KeyOf("macro")!.Value.Start.Line);
    }

    private static string Name(string path, MappingNode map, string key)
    {
        var node = map.Get(key)!;
        var name = Scalar(path, node);
        if (!NamePattern().IsMatch(name))
        {
            throw Error(path, node.Start, $"{key} name '{name}' must be lower-case letters, digits and '_'");
        }

        return name;
    }

    private static RuleDefinition ReadRule(string path, string text, MappingNode map)
    {
        CheckKeys(path, map, RuleKeys, "a rule");
        var idNode = map.Get("rule")!;
        var id = Scalar(path, idNode);
        if (!RuleIdPattern().IsMatch(id) || id.Length > 63)
        {
            throw Error(path, idNode.Start, $"rule id '{id}' must be kebab-case ([a-z0-9-]+) and at most 63 characters");
        }

        string Required(string key) =>
            map.Get(key) is { } n ? Scalar(path, n) : throw Error(path, map.Start, $"rule '{id}' needs {key}");

        var title = Required("title");
        var severityNode = map.Get("severity") ?? throw Error(path, map.Start, $"rule '{id}' needs severity");
        var severityText = Scalar(path, severityNode);
        if (severityText != severityText.ToLowerInvariant() || !SeverityNames.TryParse(severityText, out var severity))
        {
            throw Error(path, severityNode.Start, $"unknown severity '{severityText}' (expected {SeverityNames.AllNames})");
        }

        var controls = map.Get("controls") is { } cn ? Strings(path, cn, allowEmpty: true) : [];
        if (map.Get("controls") is SequenceNode controlsNode)
        {
            for (var i = 0; i < controls.Count; i++)
            {
                if (!Findings.Controls.All.ContainsKey(controls[i]))
                {
                    throw Error(path, controlsNode.Items[i].Start, $"unknown control '{controls[i]}' (see CONTROLS.md)");
                }
            }
        }

        var enabled = true;
        if (map.Get("enabled") is { } en)
        {
            enabled = en is ScalarNode { Kind: ScalarKind.Bool } b ? ScalarResolver.ToBool(b.Value) : throw Error(path, en.Start, "enabled must be true or false");
        }

        IReadOnlyList<string> stages = ["ResponseComplete"];
        var anyStage = false;
        if (map.Get("stages") is { } sn)
        {
            var list = Strings(path, sn, allowEmpty: false);
            if (list.Contains(RuleDefinition.AnyStage))
            {
                if (list.Count > 1)
                {
                    throw Error(path, sn.Start, "stages: [any] stands alone");
                }

                anyStage = true;
                stages = RuleDefinition.AllStages;
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (!RuleDefinition.AllStages.Contains(list[i]))
                    {
                        throw Error(path, ((SequenceNode)sn).Items[i].Start, $"unknown stage '{list[i]}' (expected {string.Join(", ", RuleDefinition.AllStages)} or any)");
                    }
                }

                stages = list.Distinct().ToList();
            }
        }

        var level = AuditLevel.Metadata;
        if (map.Get("level") is { } ln)
        {
            var t = Scalar(path, ln);
            level = t switch
            {
                "Metadata" => AuditLevel.Metadata,
                "Request" => AuditLevel.Request,
                "RequestResponse" => AuditLevel.RequestResponse,
                _ => throw Error(path, ln.Start, $"unknown level '{t}' (expected Metadata, Request or RequestResponse)"),
            };
        }

        var resources = map.Get("resources") is { } rn ? Resources(path, rn) : [];
        var verbs = map.Get("verbs") is { } vn ? Strings(path, vn, allowEmpty: false) : [];
        var condition = Text(path, text, map, "condition") ?? throw Error(path, map.Start, $"rule '{id}' needs a condition");
        var output = Text(path, text, map, "output") ?? throw Error(path, map.Start, $"rule '{id}' needs an output");
        var exceptions = map.Get("exceptions") is { } xn ? Exceptions(path, text, xn) : [];
        var equivalents = map.Get("equivalents") is { } qn ? Strings(path, qn, allowEmpty: true) : [];
        if (map.Get("equivalents") is SequenceNode eqNode)
        {
            for (var i = 0; i < equivalents.Count; i++)
            {
                if (!EquivalentPattern().IsMatch(equivalents[i]))
                {
                    throw Error(path, eqNode.Items[i].Start, $"equivalent '{equivalents[i]}' must be written source:name (for example \"falco:Create Privileged Pod\")");
                }
            }
        }

        var aggregate = map.Get("aggregate") is { } an ? Aggregate(path, an) : null;
        return new RuleDefinition
        {
            Id = id,
            Title = title,
            Severity = severity,
            Controls = controls,
            Description = map.Get("description") is { } dn ? Scalar(path, dn) : string.Empty,
            Enabled = enabled,
            Stages = stages,
            AnyStages = anyStage,
            Level = level,
            Resources = resources,
            Verbs = verbs,
            Condition = condition,
            Exceptions = exceptions,
            Output = output,
            Equivalents = equivalents,
            Aggregate = aggregate,
            File = path,
            Line = map.KeyOf("rule")!.Value.Start.Line,
        };
    }

    private static List<AuditResourceSelector> Resources(string path, Node node)
    {
        var seq = node as SequenceNode ?? throw Error(path, node.Start, "resources must be a list of {group, resources}");
        var result = new List<AuditResourceSelector>();
        foreach (var item in seq.Items)
        {
            var map = item as MappingNode ?? throw Error(path, item.Start, "a resources entry must be a mapping {group, resources}");
            CheckKeys(path, map, ["group", "resources", "resourceNames"], "a resources entry");
            var group = map.Get("group") is { } g ? (g is ScalarNode { IsNull: true } ? string.Empty : Scalar(path, g)) : string.Empty;
            var resources = map.Get("resources") is { } r ? Strings(path, r, allowEmpty: false) : throw Error(path, map.Start, "a resources entry needs resources");
            var names = map.Get("resourceNames") is { } n ? Strings(path, n, allowEmpty: false) : [];
            result.Add(new AuditResourceSelector(group, resources, names));
        }

        return result;
    }

    private static List<RuleException> Exceptions(string path, string text, Node node)
    {
        var seq = node as SequenceNode ?? throw Error(path, node.Start, "exceptions must be a list of {name, condition}");
        var result = new List<RuleException>();
        foreach (var item in seq.Items)
        {
            var map = item as MappingNode ?? throw Error(path, item.Start, "an exception must be a mapping {name, condition}");
            CheckKeys(path, map, ["name", "condition"], "an exception");
            var name = map.Get("name") is { } n ? Scalar(path, n) : throw Error(path, map.Start, "an exception needs a name");
            if (!NamePattern().IsMatch(name))
            {
                throw Error(path, map.Get("name")!.Start, $"exception name '{name}' must be lower-case letters, digits and '_'");
            }

            if (result.Any(x => x.Name == name))
            {
                throw Error(path, map.Get("name")!.Start, $"exception '{name}' is defined twice");
            }

            var condition = Text(path, text, map, "condition") ?? throw Error(path, map.Start, $"exception '{name}' needs a condition");
            result.Add(new RuleException(name, condition));
        }

        return result;
    }

    private static AggregateSpec Aggregate(string path, Node node)
    {
        var map = node as MappingNode ?? throw Error(path, node.Start, "aggregate must be a mapping {by, window, threshold, distinct}");
        CheckKeys(path, map, ["by", "window", "threshold", "distinct"], "aggregate");
        var by = map.Get("by") is { } b ? Strings(path, b, allowEmpty: true) : [];
        var windowNode = map.Get("window") ?? throw Error(path, map.Start, "aggregate needs a window (e.g. 10m)");
        var windowText = Scalar(path, windowNode);
        if (!Duration.TryParse(windowText, out var window))
        {
            throw Error(path, windowNode.Start, $"window '{windowText}' must be a duration like 30s, 10m or 1h");
        }

        var thresholdNode = map.Get("threshold") ?? throw Error(path, map.Start, "aggregate needs a threshold");
        if (thresholdNode is not ScalarNode { Kind: ScalarKind.Int } tn || !int.TryParse(tn.Value, out var threshold) || threshold < 1 || threshold > 100_000)
        {
            throw Error(path, thresholdNode.Start, "threshold must be an integer from 1 to 100000");
        }

        var distinct = map.Get("distinct") is { } d ? Scalar(path, d) : null;
        return new AggregateSpec(by, window, threshold, distinct, map.Start);
    }

    private static SourceText? Text(string path, string text, MappingNode map, string key)
    {
        if (map.Get(key) is not { } node)
        {
            return null;
        }

        var value = Scalar(path, node);
        return SourceText.FromYaml(value, path, node.Start, text);
    }

    private static void CheckKeys(string path, MappingNode map, string[] allowed, string what)
    {
        foreach (var entry in map.Entries)
        {
            if (!allowed.Contains(entry.Key.Value))
            {
                throw Error(path, entry.Key.Start, $"unknown key '{entry.Key.Value}' in {what} (expected {string.Join(", ", allowed)})");
            }
        }
    }

    private static string Scalar(string path, Node node) =>
        node is ScalarNode { IsNull: false } s ? s.Value : throw Error(path, node.Start, "expected a value here");

    private static List<string> Strings(string path, Node node, bool allowEmpty)
    {
        var seq = node as SequenceNode ?? throw Error(path, node.Start, "expected a list");
        if (!allowEmpty && seq.Items.Count == 0)
        {
            throw Error(path, node.Start, "expected a non-empty list");
        }

        return seq.Items.Select(i => Scalar(path, i)).ToList();
    }

    private static RuleSchemaException Error(string path, Position at, string message) =>
        new(new RuleLoadError(path, at.Line, at.Column, message));

    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*:\\S.*$", RegexOptions.CultureInvariant)]
    private static partial Regex EquivalentPattern();

    private sealed class RuleSchemaException(RuleLoadError error) : Exception(error.Message)
    {
        public RuleLoadError Error { get; } = error;
    }
}
