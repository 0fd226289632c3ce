using System.CommandLine;
using Bulwark.Config;
using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Output;
using Bulwark.Rules;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark scan PATH...`: check manifests against every enabled rule.</summary>
public sealed class ScanCommand : Command
{
    public static readonly string[] Formats = ["table", "json", "sarif", "junit", "markdown"];

    public ScanCommand(CliIO io)
        : base("scan", "Scan Kubernetes manifests (files, folders, '-' for stdin) for hardening problems.")
    {
        Arguments.Add(Paths);
        Output.AcceptOnlyFromAmong(Formats);
        Options.Add(Output);
        Options.Add(OutputFile);
        Options.Add(FailOn);
        Options.Add(ConfigPath);
        Options.Add(ShowSuppressed);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string[]> Paths { get; } = new("paths")
    {
        Description = "Files or folders to scan (folders recursively: *.yaml, *.yml, *.json); '-' reads stdin. Default: the current folder.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json, sarif, junit or markdown.",
        DefaultValueFactory = _ => "table",
    };

    public Option<string?> OutputFile { get; } = new("--output-file")
    {
        Description = "Write the report to this file instead of stdout (the file is replaced).",
    };

    public Option<string> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when a finding has this severity or higher: critical, high, medium, low, info, or none.",
        DefaultValueFactory = _ => "high",
    };

    public Option<string?> ConfigPath { get; } = new("--config", "-c")
    {
        Description = "Configuration file (default: .bulwark.yaml found upward from the first path).",
    };

    public Option<bool> ShowSuppressed { get; } = new("--show-suppressed")
    {
        Description = "Also list findings hidden by exceptions, with the reason.",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var paths = parse.GetValue(Paths) is { Length: > 0 } p ? p : ["."];
        var failOnText = parse.GetValue(FailOn)!;
        if (!SeverityNames.TryParseThreshold(failOnText, out var failOn))
        {
            io.Error.WriteLine($"bulwark: --fail-on must be one of {SeverityNames.AllNames} or none, not '{failOnText}'");
            return ExitCodes.UsageOrInputError;
        }

        if (paths.Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return ExitCodes.UsageOrInputError;
        }

        BulwarkConfig config;
        try
        {
            var configPath = parse.GetValue(ConfigPath) ?? ConfigLoader.Discover(paths);
            if (parse.GetValue(ConfigPath) is { } explicitPath && !File.Exists(explicitPath))
            {
                io.Error.WriteLine($"bulwark: {explicitPath}: config file not found");
                return ExitCodes.UsageOrInputError;
            }

            config = configPath is null ? BulwarkConfig.Default : ConfigLoader.Load(configPath, RuleCatalog.BuiltIn);
        }
        catch (ConfigException ex)
        {
            io.Error.WriteLine($"bulwark: invalid config: {ex.Message}");
            return ExitCodes.UsageOrInputError;
        }

        var loader = new ManifestLoader { StdinProvider = io.Stdin };
        var load = loader.Load(paths);
        MemoryPolicy.CompactAfterLoad(load.Objects.Count);
        var scanner = new Scanner(RuleCatalog.BuiltIn, config);
        var result = scanner.Scan(load);

        foreach (var error in result.Errors)
        {
            io.Error.WriteLine($"bulwark: {(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        var context = new ReportContext
        {
            Rules = scanner.EnabledRules.ToList(),
            FailOn = failOn,
            ShowSuppressed = parse.GetValue(ShowSuppressed),
        };
        var format = parse.GetValue(Output)!;
        var outputFile = parse.GetValue(OutputFile);
        if (outputFile is not null)
        {
            try
            {
                using var writer = new StreamWriter(outputFile, append: false, new System.Text.UTF8Encoding(false));
                Render(format, result, context, writer, toTerminal: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                io.Error.WriteLine($"bulwark: {outputFile}: cannot write report: {ex.Message}");
                return ExitCodes.UsageOrInputError;
            }
        }
        else
        {
            Render(format, result, context, io.Out, toTerminal: true);
        }

        if (result.HasInputErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return result.Fails(failOn) ? ExitCodes.Findings : ExitCodes.Success;
    }

    private static void Render(string format, ScanResult result, ReportContext context, TextWriter writer, bool toTerminal)
    {
        IReportRenderer renderer = format switch
        {
            "json" => new JsonReport(),
            "sarif" => new SarifReport(),
            "junit" => new JUnitReport(),
            "markdown" => new MarkdownReport(),
            _ => new Rendering.TableReport(toTerminal),
        };
        renderer.Render(result, context, writer);
    }
}
