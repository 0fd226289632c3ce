using System.CommandLine;
using System.Text;
using Bulwark.Network.Analysis;
using Bulwark.Network.Rendering;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark netpol connectivity`: every allowed connection between workloads and to or from external addresses.
/// Exit 0, or 2 on a usage or input error (invalid policies are reported and the rest is analysed).
/// </summary>
public sealed class NetpolConnectivityCommand : Command
{
    public static readonly string[] Formats = ["table", "json", "csv", "md", "dot", "svg"];

    private readonly NetpolCommonOptions _common = new(multiplePerToken: true);

    public NetpolConnectivityCommand(CliIO io)
        : base("connectivity", "List every allowed connection between workloads and to or from external addresses, with the ports.")
    {
        _common.AddTo(this);
        Output.AcceptOnlyFromAmong(Formats);
        Options.Add(Output);
        Options.Add(Focus);
        Options.Add(Namespace);
        Options.Add(Port);
        Options.Add(IncludeSelf);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json, csv, md, dot (Graphviz) or svg (a standalone picture).",
        DefaultValueFactory = _ => "table",
    };

    public Option<string?> Focus { get; } = new("--focus") { Description = "Only connections from or to this workload (NAMESPACE/KIND/NAME, NAMESPACE/NAME or NAME)." };

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Only connections with an end in this namespace." };

    public Option<string?> Port { get; } = new("--port") { Description = "Only this port: PORT (any protocol), PORT/PROTOCOL, FROM-TO/PROTOCOL or a protocol; connections are cut to it." };

    public Option<bool> IncludeSelf { get; } = new("--include-self") { Description = "Also list a workload's connections to itself (between its replicas)." };

    private int Execute(CliIO io, ParseResult parse)
    {
        if (!NetpolSupport.TryReadPortOption(io, parse.GetValue(Port), out var ports))
        {
            return ExitCodes.UsageOrInputError;
        }

        if (NetpolSupport.Load(io, parse, _common) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var model = input.Model;
        Bulwark.Network.Model.Workload? focus = null;
        if (parse.GetValue(Focus) is { } focusText)
        {
            focus = model.FindWorkload(focusText, out var error);
            if (focus is null)
            {
                io.Error.WriteLine($"bulwark: --focus: {error}");
                return ExitCodes.UsageOrInputError;
            }
        }

        var ns = parse.GetValue(Namespace);
        if (ns is not null && !model.Namespaces.ContainsKey(ns))
        {
            io.Error.WriteLine($"bulwark: --namespace: no namespace \"{ns}\" in the input");
            return ExitCodes.UsageOrInputError;
        }

        var options = new AnalysisOptions { IncludeSelf = parse.GetValue(IncludeSelf), IpBlockMatchesPods = parse.GetValue(_common.IpBlockMatchesPods) };
        var evaluator = new PolicyEvaluator(model, options);
        var report = ConnectivityAnalyzer.Analyze(evaluator, new ConnectivityQuery { Focus = focus, Namespace = ns, Connections = ports });
        switch (parse.GetValue(Output))
        {
            case "json":
                // Streamed: a large cluster's report runs to hundreds of megabytes.
                using (var stream = new Rendering.TextWriterStream(io.Out))
                {
                    using (var w = PssSupport.JsonWriter(stream))
                    {
                        ConnectivityWriter.WriteJson(w, evaluator, report);
                    }
                }

                io.Out.WriteLine();

                break;
            case "csv":
                io.Out.Write(ConnectivityWriter.Csv(report));
                break;
            case "md":
                io.Out.Write(ConnectivityWriter.Markdown(evaluator, report));
                break;
            case "dot":
                io.Out.Write(ConnectivityWriter.Dot(report));
                break;
            case "svg":
                io.Out.Write(ConnectivitySvgWriter.Write(report));
                break;
            default:
                WriteTable(io, evaluator, report);
                break;
        }

        return input.HasErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static void WriteTable(CliIO io, PolicyEvaluator evaluator, ConnectivityReport report)
    {
        if (report.Connections.Count == 0)
        {
            io.Out.WriteLine("No connection is allowed.");
        }
        else
        {
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Source");
            table.AddColumn("Destination");
            table.AddColumn("Allowed");
            foreach (var c in report.Connections)
            {
                table.AddRow(Markup.Escape(Cell(c.Source)), Markup.Escape(Cell(c.Destination)),
                    c.Allowed.IsAll ? "[green]all[/]" : Markup.Escape(c.Allowed.ToString()));
            }

            console.Write(table);
            io.Out.WriteLine(NetpolSupport.Count(report.Connections.Count, "connection"));
        }

        var sb = new StringBuilder();
        ConnectivityWriter.AppendNotes(sb, evaluator, report, "\n", "  ");
        io.Out.Write(sb.ToString());
    }

    private static string Cell(Endpoint endpoint) => endpoint switch
    {
        ExternalEndpoint x => string.Join("\n", x.Addresses.Ranges.Select(NetworkJson.RangeText)),
        _ => endpoint.ToString() ?? string.Empty,
    };
}
