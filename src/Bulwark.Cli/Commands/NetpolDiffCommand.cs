using System.CommandLine;
using Bulwark.Network.Analysis;
using Bulwark.Network.Rendering;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark netpol diff -f OLD... --to NEW...`: the connections added, removed and changed between two versions of
/// the manifests, and the workloads added and removed. Exit 0 when the versions allow the same connections, 1 when
/// they differ (like diff), 2 on a usage or input error.
/// </summary>
public sealed class NetpolDiffCommand : Command
{
    public static readonly string[] Formats = ["table", "json", "csv", "md"];

    public NetpolDiffCommand(CliIO io)
        : base("diff", "Compare the connectivity of two versions of the manifests: connections added, removed and changed, workloads added and removed.")
    {
        Options.Add(Files);
        Options.Add(To);
        Options.Add(IpBlockMatchesPods);
        Options.Add(IncludeSelf);
        Output.AcceptOnlyFromAmong(Formats);
        Options.Add(Output);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string[]> Files { get; } = new("--filename", "-f")
    {
        Description = "The old version: files or folders of manifests (folders recursively); '-' reads stdin.",
        AllowMultipleArgumentsPerToken = true,
        Required = true,
    };

    public Option<string[]> To { get; } = new("--to")
    {
        Description = "The new version: files or folders of manifests (folders recursively); '-' reads stdin.",
        AllowMultipleArgumentsPerToken = true,
        Required = true,
    };

    public Option<bool> IpBlockMatchesPods { get; } = new("--ipblock-matches-pods")
    {
        Description = "Let ipBlocks match pods by the pod IPs captured in Pod status (Calico-like); default: external addresses only.",
    };

    public Option<bool> IncludeSelf { get; } = new("--include-self") { Description = "Also compare a workload's connections to itself (between its replicas)." };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json, csv or md.",
        DefaultValueFactory = _ => "table",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var oldPaths = parse.GetValue(Files) ?? [];
        var newPaths = parse.GetValue(To) ?? [];
        if (oldPaths.Length == 0 || newPaths.Length == 0)
        {
            io.Error.WriteLine("bulwark: give the old version with -f and the new version with --to");
            return ExitCodes.UsageOrInputError;
        }

        if (oldPaths.Concat(newPaths).Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return ExitCodes.UsageOrInputError;
        }

        var before = NetpolInputs.Load(io, oldPaths, "old");
        var after = NetpolInputs.Load(io, newPaths, "new");
        var options = new AnalysisOptions { IncludeSelf = parse.GetValue(IncludeSelf), IpBlockMatchesPods = parse.GetValue(IpBlockMatchesPods) };
        var beforeEvaluator = new PolicyEvaluator(before.Model, options);
        var afterEvaluator = new PolicyEvaluator(after.Model, options);
        var beforeReport = ConnectivityAnalyzer.Analyze(beforeEvaluator);
        var afterReport = ConnectivityAnalyzer.Analyze(afterEvaluator);
        var diff = ConnectivityDiff.Compare(beforeReport, before.Model, afterReport, after.Model);
        switch (parse.GetValue(Output))
        {
            case "json":
                using (var stream = new MemoryStream())
                {
                    using (var w = PssSupport.JsonWriter(stream))
                    {
                        DiffWriter.WriteJson(w, diff, afterEvaluator, beforeReport, afterReport);
                    }

                    PssSupport.Flush(io, stream);
                }

                break;
            case "csv":
                io.Out.Write(DiffWriter.Csv(diff));
                break;
            case "md":
                io.Out.Write(DiffWriter.Markdown(diff, afterEvaluator, afterReport));
                break;
            default:
                WriteTable(io, diff);
                break;
        }

        if (before.HasErrors || after.HasErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return diff.IsEmpty ? ExitCodes.Success : ExitCodes.Findings;
    }

    private static void WriteTable(CliIO io, ConnectivityDiff diff)
    {
        foreach (var reference in diff.WorkloadsAdded)
        {
            io.Out.WriteLine($"workload added:   {reference}");
        }

        foreach (var reference in diff.WorkloadsRemoved)
        {
            io.Out.WriteLine($"workload removed: {reference}");
        }

        if (diff.Changes.Count > 0)
        {
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Change");
            table.AddColumn("Source");
            table.AddColumn("Destination");
            table.AddColumn("Before");
            table.AddColumn("After");
            table.AddColumn("Delta");
            foreach (var c in diff.Changes)
            {
                var kind = c.Kind switch
                {
                    ChangeKind.Added => "[green]added[/]",
                    ChangeKind.Removed => "[red]removed[/]",
                    _ => "[yellow]changed[/]",
                };
                table.AddRow(kind, Markup.Escape(Cell(c.Source)), Markup.Escape(Cell(c.Destination)), Markup.Escape(c.Before.ToString()),
                    Markup.Escape(c.After.ToString()), Markup.Escape(DiffWriter.Delta(c)));
            }

            console.Write(table);
        }

        io.Out.WriteLine(DiffWriter.Summary(diff));
    }

    private static string Cell(Endpoint endpoint) => endpoint switch
    {
        ExternalEndpoint x => string.Join("\n", x.Addresses.Ranges.Select(NetworkJson.RangeText)),
        _ => endpoint.ToString() ?? string.Empty,
    };
}
