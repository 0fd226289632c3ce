using System.CommandLine;
using Bulwark.Model;
using Bulwark.PodSecurity;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark pss check PATH... --level L [--version V]`: one Pod Security result per pod-bearing object.</summary>
public sealed class PssCheckCommand : Command
{
    public PssCheckCommand(CliIO io)
        : base("check", "Evaluate every pod-bearing object (Pods, controllers, CronJobs, PodTemplates, CRDs with a pod template) against a Pod Security level.")
    {
        Arguments.Add(Paths);
        Options.Add(Level);
        Options.Add(Version);
        Output.AcceptOnlyFromAmong("table", "json");
        Options.Add(Output);
        Options.Add(NewestVersion);
        Options.Add(ConfigPath);
        Options.Add(AdmissionConfig);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string[]> Paths { get; } = PssSupport.Paths();

    public Option<string> Level { get; } = new("--level", "-l")
    {
        Description = "The level to check: baseline or restricted (privileged allows everything).",
        Required = true,
    };

    public Option<string?> Version { get; } = PssSupport.VersionOption("The policy version: latest (default) or v1.N.");

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table or json.",
        DefaultValueFactory = _ => "table",
    };

    public Option<string?> NewestVersion { get; } = PssSupport.NewestVersionOption();

    public Option<string?> ConfigPath { get; } = PssSupport.ConfigOption();

    public Option<string?> AdmissionConfig { get; } = PssSupport.AdmissionConfigOption();

    private int Execute(CliIO io, ParseResult parse)
    {
        if (PssSupport.Level(io, parse.GetValue(Level)) is not { } level ||
            PssSupport.Version(io, "--version", parse.GetValue(Version) ?? "latest") is not { } version ||
            PssSupport.Load(io, parse, Paths, ConfigPath, AdmissionConfig, NewestVersion) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var policy = new LevelVersion(level, version);
        var results = input.Inventory.PodTemplates
            .Select(pod => (Pod: pod,
                Exempt: input.Config.ExemptionOf(NamespaceAssessment.NamespaceOf(pod), pod.Spec.RuntimeClassName),
                Result: input.Evaluator.Evaluate(policy, pod)))
            .Select(r => r.Exempt is null ? r : r with { Result = input.Evaluator.Evaluate(new LevelVersion(PodSecurityLevel.Privileged, version), r.Pod) })
            .ToList();

        if (parse.GetValue(Output) == "json")
        {
            using var stream = new MemoryStream();
            using (var w = PssSupport.JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteStartArray("results");
                foreach (var (pod, exempt, result) in results)
                {
                    w.WriteStartObject();
                    PssSupport.WriteObject(w, pod.Owner);
                    PssSupport.WriteLocation(w, pod.Owner);
                    w.WriteString("level", level.ToLabel());
                    w.WriteString("version", version.ToString());
                    w.WriteBoolean("allowed", result.Allowed);
                    PssSupport.WriteViolations(w, result.Failures);
                    w.WriteString("message", PssSupport.MessageOf(pod, result));
                    if (exempt is not null)
                    {
                        w.WriteString("exempt", exempt);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            PssSupport.Flush(io, stream);
        }
        else
        {
            RenderTable(io, policy, results);
        }

        if (input.HasInputErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return results.All(r => r.Result.Allowed) ? ExitCodes.Success : ExitCodes.Findings;
    }

    private static void RenderTable(CliIO io, LevelVersion policy, List<(PodTemplate Pod, string? Exempt, PodSecurityResult Result)> results)
    {
        var console = Rendering.ConsoleFactory.Create(io.Out);
        if (results.Count == 0)
        {
            console.WriteLine("No pod-bearing objects found.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Object", "Location", $"{policy}", "Violations");
        foreach (var (pod, exempt, result) in results)
        {
            var verdict = exempt is not null ? "[grey]exempt[/]" : result.Allowed ? "[green]allowed[/]" : "[red]forbidden[/]";
            var violations = exempt ?? string.Join("\n", result.Failures.Select(f => $"{f.Check}: {f}"));
            table.AddRow(
                Markup.Escape(PssSupport.Describe(pod.Owner)),
                Markup.Escape(PssSupport.Where(pod.Owner)),
                verdict,
                Markup.Escape(violations));
        }

        console.Write(table);
        var forbidden = results.Count(r => !r.Result.Allowed);
        console.WriteLine($"{results.Count} objects: {results.Count - forbidden} allowed, {forbidden} violate PodSecurity \"{policy}\".");
    }
}
