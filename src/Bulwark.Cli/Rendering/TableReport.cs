using Bulwark.Findings;
using Bulwark.Output;
using Bulwark.Rules;
using Spectre.Console;

namespace Bulwark.Cli.Rendering;

/// <summary>The terminal report: findings grouped by object, severity colours, then a summary by layer and severity.</summary>
public sealed class TableReport : IReportRenderer
{
    private readonly bool _toTerminal;

    public TableReport(bool toTerminal) => _toTerminal = toTerminal;

    public string Format => "table";

    public void Render(ScanResult result, ReportContext context, TextWriter output)
    {
        var console = ConsoleFactory.Create(output);
        var groups = result.Findings.GroupBy(f => (f.Object, f.Location?.File)).ToList();
        foreach (var group in groups)
        {
            var first = group.First();
            var where = first.Location is { } l ? $"{l.File}" : string.Empty;
            console.MarkupLine($"[bold]{Markup.Escape(first.Object.ToString())}[/] [grey]{Markup.Escape(where)}[/]");
            var table = new Table().Border(TableBorder.Simple).HideHeaders();
            table.AddColumns("Severity", "Line", "Rule", "Message");
            foreach (var f in group.OrderByDescending(f => f.Severity).ThenBy(f => f.Location?.Line))
            {
                table.AddRow(
                    Styles.Severity(f.Severity),
                    Markup.Escape(f.Location is { } loc ? $"{loc.Line}:{loc.Column}" : "-"),
                    Markup.Escape(f.Rule),
                    Markup.Escape(f.Message) + "\n[grey]" + Markup.Escape(f.Remediation) + "[/]");
            }

            console.Write(table);
        }

        if (context.ShowSuppressed && result.Suppressed.Count > 0)
        {
            console.MarkupLine("[bold]Suppressed by exceptions[/]");
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("Object", "Rule", "Reason", "Source");
            foreach (var f in result.Suppressed)
            {
                table.AddRow(Markup.Escape(f.Object.ToString()), Markup.Escape(f.Rule), Markup.Escape(f.Suppressed!.Reason), Markup.Escape(f.Suppressed.Source));
            }

            console.Write(table);
        }

        if (result.Errors.Count > 0)
        {
            console.MarkupLine("[bold]Input problems[/]");
            foreach (var e in result.Errors)
            {
                var level = e.Level == InputErrorLevel.Error ? "[red]error[/]" : "[yellow]warning[/]";
                console.MarkupLine($"  {level} {Markup.Escape(e.ToString())}");
            }
        }

        WriteSummary(console, result, context);
    }

    private static void WriteSummary(IAnsiConsole console, ScanResult result, ReportContext context)
    {
        if (result.Findings.Count == 0)
        {
            WriteVerdict(console, result, context);
            return;
        }

        var layerOf = context.Rules.ToDictionary(r => r.Id, r => r.Info.Layer);
        var severities = Enum.GetValues<Severity>().Reverse().ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("Summary");
        table.AddColumn("Layer");
        foreach (var s in severities)
        {
            table.AddColumn(new TableColumn(Styles.Severity(s)).RightAligned());
        }

        table.AddColumn(new TableColumn("total").RightAligned());
        foreach (var layer in Enum.GetValues<Layer>())
        {
            var inLayer = result.Findings.Where(f => layerOf.TryGetValue(f.Rule, out var l) && l == layer).ToList();
            if (inLayer.Count == 0)
            {
                continue;
            }

            var cells = new List<string> { RulesReference.LayerTitle(layer) };
            cells.AddRange(severities.Select(s => inLayer.Count(f => f.Severity == s).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            cells.Add(inLayer.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }

        console.Write(table);
        WriteVerdict(console, result, context);
    }

    private static void WriteVerdict(IAnsiConsole console, ScanResult result, ReportContext context)
    {
        var errors = result.Errors.Count(e => e.Level == InputErrorLevel.Error);
        var verdict = errors > 0 ? "[red]input errors[/]" : result.Fails(context.FailOn) ? $"[red]failed[/] (findings at or above {Markup.Escape(context.FailOn?.Name() ?? "none")})" : "[green]passed[/]";
        console.MarkupLine($"{result.Findings.Count} findings in {result.ObjectCount} objects from {result.FileCount} files; {result.Suppressed.Count} suppressed; {errors} input errors: {verdict}");
    }
}
