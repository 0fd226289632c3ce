using System.CommandLine;
using System.Text.Json;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Findings;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark audit rules list`: every detection rule with its switch, severity, stages and the audit level it needs.</summary>
public sealed class AuditRulesListCommand : Command
{
    private readonly AuditRuleOptions _rules = new();

    public AuditRulesListCommand(CliIO io)
        : base("list", "List the audit detection rules (built-in and --rules folders) after .bulwark.yaml tuning.")
    {
        Output.AcceptOnlyFromAmong("table", "json");
        Options.Add(Output);
        _rules.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table or json.",
        DefaultValueFactory = _ => "table",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        if (AuditSupport.Load(io, parse, _rules) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        var rules = loaded.Pack.Rules;
        if (parse.GetValue(Output) == "json")
        {
            WriteJson(io, rules);
        }
        else
        {
            WriteTable(io, rules);
        }

        return loaded.HasErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static void WriteTable(CliIO io, IReadOnlyList<CompiledRule> rules)
    {
        var console = Rendering.ConsoleFactory.Create(io.Out);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Rule", "Severity", "On", "Stages", "Level", "Title");
        foreach (var r in rules)
        {
            table.AddRow(
                Markup.Escape(r.Id),
                r.Severity.Name(),
                r.Enabled ? "yes" : "no",
                Markup.Escape(AuditSupport.Stages(r)),
                r.Level.ToString(),
                Markup.Escape(r.Definition.Title));
        }

        console.Write(table);
        io.Out.WriteLine($"{rules.Count} rule(s), {rules.Count(r => r.Enabled)} enabled");
    }

    private static void WriteJson(CliIO io, IReadOnlyList<CompiledRule> rules)
    {
        using var stream = new MemoryStream();
        using (var w = PssSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("rules");
            foreach (var r in rules)
            {
                var d = r.Definition;
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteString("title", d.Title);
                w.WriteString("severity", d.Severity.Name());
                w.WriteBoolean("enabled", r.Enabled);
                Strings(w, "controls", d.Controls);
                Strings(w, "stages", d.AnyStages ? ["any"] : d.Stages);
                w.WriteString("level", d.Level.ToString());
                w.WriteStartArray("resources");
                foreach (var s in d.Resources)
                {
                    w.WriteStartObject();
                    w.WriteString("group", s.Group);
                    Strings(w, "resources", s.Resources);
                    if (s.ResourceNames.Count > 0)
                    {
                        Strings(w, "resourceNames", s.ResourceNames);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                Strings(w, "verbs", d.Verbs);
                Strings(w, "equivalents", d.Equivalents);
                w.WriteBoolean("stateful", d.Aggregate is not null);
                w.WriteString("description", d.Description);
                w.WriteStartObject("location");
                w.WriteString("file", d.File);
                w.WriteNumber("line", d.Line);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        PssSupport.Flush(io, stream);
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
