using System.CommandLine;
using System.Text;
using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Network.Analysis;
using Bulwark.Network.Gaps;
using Bulwark.Network.Rendering;
using Bulwark.Rules;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark netpol gaps`: namespaces without default deny, unprotected workloads, internet egress, policies and rules
/// that match nothing, and reachability into sensitive namespaces. Exit 0, 1 when a gap is at or above --fail-on,
/// 2 on a usage or input error.
/// </summary>
public sealed class NetpolGapsCommand : Command
{
    public static readonly string[] Formats = ["table", "json", "md"];

    private readonly NetpolCommonOptions _common = new(multiplePerToken: true);

    public NetpolGapsCommand(CliIO io)
        : base("gaps", "Find coverage gaps: namespaces without default deny, workloads no policy selects, internet egress, policies and rules that match nothing, and who can reach sensitive namespaces.")
    {
        _common.AddTo(this);
        Output.AcceptOnlyFromAmong(Formats);
        Options.Add(Output);
        Options.Add(SensitiveNamespaces);
        Options.Add(ClusterCidrs);
        Options.Add(FailOn);
        Options.Add(ConfigPath);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json or md.",
        DefaultValueFactory = _ => "table",
    };

    public Option<string[]> SensitiveNamespaces { get; } = new("--sensitive-namespace")
    {
        Description = "A namespace whose workloads must not be reachable from other namespaces (repeatable; added to the sensitiveNamespaces parameter of .bulwark.yaml, default kube-system).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> ClusterCidrs { get; } = new("--cluster-cidr")
    {
        Description = "An address range of the cluster itself: pods, Services, nodes (repeatable; replaces the clusterCidrs parameter, default 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7). Egress beyond them is internet egress.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when a gap has this severity or higher: critical, high, medium, low, info, or none.",
        DefaultValueFactory = _ => "high",
    };

    public Option<string?> ConfigPath { get; } = new("--config", "-c")
    {
        Description = "Configuration file for sensitiveNamespaces and clusterCidrs (default: .bulwark.yaml found upward from the first path).",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var failOnText = parse.GetValue(FailOn)!;
        if (!SeverityNames.TryParseThreshold(failOnText, out var failOn))
        {
            io.Error.WriteLine($"bulwark: --fail-on must be one of {SeverityNames.AllNames} or none, not '{failOnText}'");
            return ExitCodes.UsageOrInputError;
        }

        if (LoadConfig(io, parse) is not { } config)
        {
            return ExitCodes.UsageOrInputError;
        }

        var cidrTexts = parse.GetValue(ClusterCidrs) is { Length: > 0 } given ? given : config.Parameters.ClusterCidrs.ToArray();
        if (!GapOptions.TryParseCidrs(cidrTexts, out var cidrs, out var cidrError))
        {
            io.Error.WriteLine($"bulwark: --cluster-cidr: {cidrError}");
            return ExitCodes.UsageOrInputError;
        }

        var sensitive = config.Parameters.SensitiveNamespaces.Concat(parse.GetValue(SensitiveNamespaces) ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (NetpolSupport.Load(io, parse, _common) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var evaluator = new PolicyEvaluator(input.Model, new AnalysisOptions { IpBlockMatchesPods = parse.GetValue(_common.IpBlockMatchesPods) });
        var options = new GapOptions { SensitiveNamespaces = sensitive, ClusterCidrs = cidrs };
        var report = GapAnalyzer.Analyze(evaluator, options);
        switch (parse.GetValue(Output))
        {
            case "json":
                using (var stream = new MemoryStream())
                {
                    using (var w = PssSupport.JsonWriter(stream))
                    {
                        GapWriter.WriteJson(w, evaluator, options, report);
                    }

                    PssSupport.Flush(io, stream);
                }

                break;
            case "md":
                io.Out.Write(GapWriter.Markdown(report));
                break;
            default:
                WriteTable(io, report);
                break;
        }

        if (input.HasErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return failOn is { } threshold && report.Gaps.Any(g => g.Severity >= threshold) ? ExitCodes.Findings : ExitCodes.Success;
    }

    private BulwarkConfig? LoadConfig(CliIO io, ParseResult parse)
    {
        try
        {
            var explicitPath = parse.GetValue(ConfigPath);
            if (explicitPath is not null && !File.Exists(explicitPath))
            {
                io.Error.WriteLine($"bulwark: {explicitPath}: config file not found");
                return null;
            }

            var paths = parse.GetValue(_common.Files) is { Length: > 0 } p ? p : ["."];
            var path = explicitPath ?? ConfigLoader.Discover(paths);
            return path is null ? BulwarkConfig.Default : ConfigLoader.Load(path, RuleCatalog.BuiltIn);
        }
        catch (ConfigException ex)
        {
            io.Error.WriteLine($"bulwark: invalid config: {ex.Message}");
            return null;
        }
    }

    private static void WriteTable(CliIO io, GapReport report)
    {
        if (report.Gaps.Count == 0)
        {
            io.Out.WriteLine("No gap found.");
        }
        else
        {
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("Severity", "Gap", "Where", "Message");
            foreach (var gap in report.Gaps)
            {
                var (file, line, _) = GapWriter.Location(gap);
                table.AddRow(gap.Severity.Name(), Markup.Escape(gap.Id), Markup.Escape($"{file}:{line}"), Markup.Escape($"{gap.Message}\nfix: {gap.Hint}"));
            }

            console.Write(table);
            io.Out.WriteLine(GapWriter.Summary(report));
        }

        var sb = new StringBuilder();
        GapWriter.AppendNotes(sb, report, "\n", "  ");
        io.Out.Write(sb.ToString());
    }
}
