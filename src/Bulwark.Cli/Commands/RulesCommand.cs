using System.CommandLine;
using Bulwark.Findings;
using Bulwark.Output;
using Bulwark.Rules;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark rules`: the rule catalog as a table, JSON or Markdown.</summary>
public sealed class RulesCommand : Command
{
    public RulesCommand(CliIO io)
        : base("rules", "List the built-in rules (table, json or markdown; docs/rules.md is the markdown form).")
    {
        Output.AcceptOnlyFromAmong("table", "json", "markdown");
        Options.Add(Output);
        SetAction(parse => Execute(io, parse.GetValue(Output)!));
    }

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json or markdown.",
        DefaultValueFactory = _ => "table",
    };

    private static int Execute(CliIO io, string format)
    {
        var rules = RuleCatalog.BuiltIn.Rules;
        switch (format)
        {
            case "json":
                io.Out.WriteLine(RulesReference.Json(rules));
                break;
            case "markdown":
                io.Out.Write(RulesReference.Markdown(rules));
                break;
            default:
                var console = Rendering.ConsoleFactory.Create(io.Out);
                var table = new Table().Border(TableBorder.Rounded);
                table.AddColumns("Rule", "Severity", "Layer", "Controls", "Title");
                foreach (var r in rules)
                {
                    table.AddRow(
                        Markup.Escape(r.Id),
                        Rendering.Styles.Severity(r.Info.Severity),
                        Markup.Escape(r.Info.Layer.ToString().ToLowerInvariant()),
                        Markup.Escape(string.Join(", ", r.Info.Controls)),
                        Markup.Escape(r.Info.Title + (r.Info.EnabledByDefault ? string.Empty : " (off by default)")));
                }

                console.Write(table);
                console.WriteLine($"{rules.Count} rules.");
                break;
        }

        return ExitCodes.Success;
    }
}
