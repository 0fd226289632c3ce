using System.CommandLine;
using System.Globalization;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Output;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Findings;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark audit detect PATH...`: runs the detection rules over audit logs and reports alerts.</summary>
public sealed class AuditDetectCommand : Command
{
    private static readonly string[] Formats = ["table", "json", "jsonl", "sarif"];
    private readonly AuditRuleOptions _rules = new();

    public AuditDetectCommand(CliIO io)
        : base("detect", "Run the detection rules over Kubernetes audit logs (JSON lines, EventLists, gzip; files, folders, '-' for stdin).")
    {
        Arguments.Add(Paths);
        Output.AcceptOnlyFromAmong(Formats);
        Options.Add(Output);
        Options.Add(FailOn);
        Options.Add(Follow);
        _rules.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    /// <summary>Stops --follow in tests (the command line stops it with Ctrl+C).</summary>
    internal static CancellationToken? FollowStopForTests { get; set; }

    public Argument<string[]> Paths { get; } = new("paths")
    {
        Description = "Audit log files or folders (recursively, in path order); '-' reads stdin. Gzip files are read as they are.",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json, jsonl (one alert per line) or sarif.",
        DefaultValueFactory = _ => "table",
    };

    public Option<string> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when an alert has this severity or higher: critical, high, medium, low, info, or none.",
        DefaultValueFactory = _ => "high",
    };

    public Option<bool> Follow { get; } = new("--follow")
    {
        Description = "Keep reading a growing log file (through rotation) and report alerts as events arrive, until Ctrl+C. Needs one file and -o table or jsonl.",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var paths = parse.GetValue(Paths) ?? [];
        var format = parse.GetValue(Output)!;
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

        var follow = parse.GetValue(Follow);
        if (follow && (paths.Length != 1 || paths[0] == "-" || !File.Exists(paths[0])))
        {
            io.Error.WriteLine("bulwark: --follow needs exactly one existing log file (standard input is followed without --follow)");
            return ExitCodes.UsageOrInputError;
        }

        if (follow && format is not ("table" or "jsonl"))
        {
            io.Error.WriteLine("bulwark: --follow writes alerts as they come: use -o table or -o jsonl");
            return ExitCodes.UsageOrInputError;
        }

        if (AuditSupport.Load(io, parse, _rules, inputs: paths) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        var engine = DetectionEngine.Create(loaded.Pack);
        var alerts = new List<DetectionAlert>();
        var readErrors = new List<AuditLogError>();
        var streaming = format == "jsonl" || follow;
        void OnAlert(DetectionAlert a)
        {
            if (format == "jsonl")
            {
                io.Out.WriteLine(AlertJsonWriter.Line(a));
            }
            else if (follow)
            {
                io.Out.WriteLine(FollowLine(a));
            }

            // Kept for the document formats and the exit code; a stream keeps only the worst severity.
            if (!streaming)
            {
                alerts.Add(a);
            }
            else if (alerts.Count == 0 || a.Severity > alerts[0].Severity)
            {
                alerts.Clear();
                alerts.Add(a);
            }
        }

        void OnError(AuditLogError e)
        {
            io.Error.WriteLine($"bulwark: error: {e}");
            if (readErrors.Count < 10_000)
            {
                readErrors.Add(e);
            }
        }

        if (follow)
        {
            using var stop = new CancellationTokenSource();
            void Cancel(object? sender, ConsoleCancelEventArgs e)
            {
                e.Cancel = true;
                stop.Cancel();
            }

            Console.CancelKeyPress += Cancel;
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, FollowStopForTests ?? CancellationToken.None);
                if (!engine.Follow(paths[0], OnAlert, OnError, linked.Token, onIdle: io.Out.Flush))
                {
                    return ExitCodes.UsageOrInputError;
                }
            }
            finally
            {
                Console.CancelKeyPress -= Cancel;
            }
        }
        else
        {
            engine.Run(paths, OnAlert, OnError, stdin: io.Stdin);
        }

        var errors = loaded.Pack.Errors.Select(DetectionError.From).Concat(readErrors.Select(DetectionError.From)).ToList();
        switch (format)
        {
            case "json":
                io.Out.WriteLine(AlertJsonWriter.Document(alerts, errors, engine.Stats, engine.Rules.Count));
                break;
            case "sarif":
                io.Out.WriteLine(AlertSarifWriter.Write(alerts, errors, engine.Rules, Directory.GetCurrentDirectory()));
                break;
            case "table" when !follow:
                WriteTable(io, alerts, engine);
                break;
        }

        if (loaded.HasErrors || readErrors.Count > 0 || engine.Stats.Errors > 0)
        {
            return ExitCodes.UsageOrInputError;
        }

        return failOn is { } threshold && alerts.Any(a => a.Severity >= threshold) ? ExitCodes.Findings : ExitCodes.Success;
    }

    private static string FollowLine(DetectionAlert a) =>
        $"{a.Event.Time ?? "-"} {a.Severity.Name().ToUpperInvariant()} {a.RuleId}: {a.Message} ({a.File}:{a.Line.ToString(CultureInfo.InvariantCulture)})";

    private static void WriteTable(CliIO io, List<DetectionAlert> alerts, DetectionEngine engine)
    {
        var stats = engine.Stats;
        if (alerts.Count > 0)
        {
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("Severity", "Rule", "Time", "User", "Message", "Where");
            foreach (var a in alerts)
            {
                table.AddRow(
                    Markup.Escape(a.Severity.Name()),
                    Markup.Escape(a.RuleId),
                    Markup.Escape(a.Event.Time ?? "-"),
                    Markup.Escape(a.Event.Username ?? "-"),
                    Markup.Escape(a.Message),
                    Markup.Escape($"{a.File}:{a.Line.ToString(CultureInfo.InvariantCulture)}"));
            }

            console.Write(table);
        }

        var bySeverity = Enum.GetValues<Severity>().Reverse()
            .Select(s => (s, n: alerts.Count(a => a.Severity == s))).Where(x => x.n > 0).Select(x => $"{x.n} {x.s.Name()}");
        var summary = alerts.Count == 0 ? "no alerts" : $"{alerts.Count} alert(s): {string.Join(", ", bySeverity)}";
        io.Out.WriteLine($"{summary} ({stats.Events} events, {engine.Rules.Count} rules, {stats.Errors} unreadable lines)");
        foreach (var r in stats.Rules.Where(r => r.SkippedForMissingFields > 0))
        {
            var rule = engine.Rules.First(x => x.Id == r.Rule);
            io.Out.WriteLine($"note: {r.Rule} could not judge {r.SkippedForMissingFields} event(s) logged below the {rule.Level} level (see `bulwark audit policy`)");
        }
    }
}
