using Bulwark.Audit.Detection.Conditions;
using Bulwark.Config;
using Bulwark.Model;

namespace Bulwark.Audit.Detection.Rules;

/// <summary>A list changed in .bulwark.yaml: items appended to the built-in ones, or replacing them.</summary>
public sealed record ListTuning(string Name, bool Replace, IReadOnlyList<string> Items, string File, Position At);

/// <summary>A macro whose condition .bulwark.yaml replaces.</summary>
public sealed record MacroTuning(string Name, SourceText Condition, string File, Position At);

/// <summary>A rule named in audit.enable or audit.disable.</summary>
public sealed record RuleSwitch(string Rule, string File, Position At);

/// <summary>
/// The <c>audit:</c> section of .bulwark.yaml: list and macro tuning, rules switched on and off. Names are checked
/// against the loaded rules when the pack is compiled (the user's --rules folders are only known then).
/// </summary>
public sealed record AuditTuning
{
    public static readonly AuditTuning None = new();

    public IReadOnlyList<ListTuning> Lists { get; init; } = [];

    public IReadOnlyList<MacroTuning> Macros { get; init; } = [];

    public IReadOnlyList<RuleSwitch> Enable { get; init; } = [];

    public IReadOnlyList<RuleSwitch> Disable { get; init; } = [];

    /// <summary>Reads the value of the <c>audit:</c> key; throws <see cref="ConfigException"/> at the first error.</summary>
    public static AuditTuning Read(string path, string fileText, Node node)
    {
        var map = node as MappingNode ?? throw Error(path, node.Start, "audit must be a mapping (lists, macros, enable, disable)");
        var tuning = new AuditTuning();
        foreach (var (key, value) in map.Entries)
        {
            tuning = key.Value switch
            {
                "lists" => tuning with { Lists = ReadLists(path, value) },
                "macros" => tuning with { Macros = ReadMacros(path, fileText, value) },
                "enable" => tuning with { Enable = ReadSwitches(path, value, "audit.enable") },
                "disable" => tuning with { Disable = ReadSwitches(path, value, "audit.disable") },
                _ => throw Error(path, key.Start, $"unknown key '{key.Value}' under audit (expected lists, macros, enable, disable)"),
            };
        }

        foreach (var on in tuning.Enable)
        {
            if (tuning.Disable.FirstOrDefault(d => d.Rule == on.Rule) is { } off)
            {
                throw Error(path, off.At, $"rule '{on.Rule}' is both enabled (line {on.At.Line}) and disabled");
            }
        }

        return tuning;
    }

    private static List<ListTuning> ReadLists(string path, Node node)
    {
        var map = node as MappingNode ?? throw Error(path, node.Start, "audit.lists must be a mapping of list names");
        var result = new List<ListTuning>();
        foreach (var (key, value) in map.Entries)
        {
            var body = value as MappingNode ?? throw Error(path, value.Start, $"audit.lists.{key.Value} must be {{append: [...]}} or {{replace: [...]}}");
            if (body.Count != 1 || body.Entries[0].Key.Value is not ("append" or "replace"))
            {
                throw Error(path, body.Start, $"audit.lists.{key.Value} must have exactly one key, append or replace");
            }

            var (mode, items) = (body.Entries[0].Key.Value, body.Entries[0].Value);
            var seq = items as SequenceNode ?? throw Error(path, items.Start, $"audit.lists.{key.Value}.{mode} must be a list");
            var values = seq.Items.Select(i => i is ScalarNode { IsNull: false } s ? s.Value : throw Error(path, i.Start, "expected a value here")).ToList();
            result.Add(new ListTuning(key.Value, mode == "replace", values, path, key.Start));
        }

        return result;
    }

    private static List<MacroTuning> ReadMacros(string path, string fileText, Node node)
    {
        var map = node as MappingNode ?? throw Error(path, node.Start, "audit.macros must be a mapping of macro names");
        var result = new List<MacroTuning>();
        foreach (var (key, value) in map.Entries)
        {
            var body = value as MappingNode ?? throw Error(path, value.Start, $"audit.macros.{key.Value} must be {{replace: \"condition\"}}");
            if (body.Count != 1 || body.Entries[0].Key.Value != "replace")
            {
                throw Error(path, body.Start, $"audit.macros.{key.Value} must have exactly one key, replace");
            }

            var condition = body.Entries[0].Value as ScalarNode is { IsNull: false } s
                ? s
                : throw Error(path, body.Entries[0].Value.Start, $"audit.macros.{key.Value}.replace must be a condition");
            result.Add(new MacroTuning(key.Value, SourceText.FromYaml(condition.Value, path, condition.Start, fileText), path, key.Start));
        }

        return result;
    }

    private static List<RuleSwitch> ReadSwitches(string path, Node node, string what)
    {
        var seq = node as SequenceNode ?? throw Error(path, node.Start, $"{what} must be a list of rule ids");
        return seq.Items.Select(i => i is ScalarNode { IsNull: false } s ? new RuleSwitch(s.Value, path, s.Start) : throw Error(path, i.Start, "expected a rule id here")).ToList();
    }

    private static ConfigException Error(string path, Position at, string message) => new($"{path}:{at.Line}:{at.Column}: {message}");
}
