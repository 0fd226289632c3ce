using System.CommandLine;
using System.Text.Json;
using Bulwark.PodSecurity;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark pss namespaces PATH...`: per namespace, the effective Pod Security policy, what it would deny, audit
/// and warn, what fails restricted, and the strictest level every workload passes.
/// </summary>
public sealed class PssNamespacesCommand : Command
{
    public PssNamespacesCommand(CliIO io)
        : base("namespaces", "Show each namespace's effective Pod Security policy, the workloads it would deny or warn about, and what blocks restricted.")
    {
        Arguments.Add(Paths);
        Output.AcceptOnlyFromAmong("table", "json");
        Options.Add(Output);
        Options.Add(NewestVersion);
        Options.Add(ConfigPath);
        Options.Add(AdmissionConfig);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string[]> Paths { get; } = PssSupport.Paths();

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
        if (PssSupport.Load(io, parse, Paths, ConfigPath, AdmissionConfig, NewestVersion) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var assessments = NamespaceAssessment.Assess(input.Inventory, input.Config, input.Evaluator);
        if (parse.GetValue(Output) == "json")
        {
            WriteJson(io, assessments);
        }
        else
        {
            RenderText(io, assessments);
        }

        return input.HasInputErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static void WriteJson(CliIO io, IReadOnlyList<NamespaceAssessment> assessments)
    {
        using var stream = new MemoryStream();
        using (var w = PssSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("namespaces");
            foreach (var a in assessments)
            {
                w.WriteStartObject();
                w.WriteString("name", a.Name);
                if (a.Object is { } ns)
                {
                    PssSupport.WriteLocation(w, ns);
                }
                else
                {
                    w.WriteNull("location");
                }

                w.WriteString("enforce", a.Policy.Enforce.ToString());
                w.WriteString("audit", a.Policy.Audit.ToString());
                w.WriteString("warn", a.Policy.Warn.ToString());
                w.WriteStartArray("labelErrors");
                foreach (var e in a.Policy.Errors)
                {
                    w.WriteStartObject();
                    w.WriteString("label", e.Label);
                    w.WriteString("value", e.Value);
                    w.WriteString("message", e.ToString());
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                if (a.Exempt is null)
                {
                    w.WriteNull("exempt");
                }
                else
                {
                    w.WriteString("exempt", a.Exempt);
                }

                w.WriteNumber("workloads", a.Workloads.Count);
                w.WriteStartArray("exemptWorkloads");
                foreach (var e in a.ExemptWorkloads)
                {
                    w.WriteStartObject();
                    PssSupport.WriteObject(w, e.Pod.Owner);
                    w.WriteString("exempt", e.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                WriteResults(w, "denied", a.Denied);
                WriteResults(w, "podsWouldBeDenied", a.PodsWouldBeDenied);
                WriteResults(w, "audited", a.Audited);
                WriteResults(w, "warned", a.Warned);
                WriteResults(w, "failingRestricted", a.FailingRestricted);
                w.WriteStartObject("recommendation");
                w.WriteString("level", a.Recommended.ToLabel());
                w.WriteStartArray("blockingRestricted");
                foreach (var r in a.FailingRestricted)
                {
                    foreach (var f in r.Result.Failures)
                    {
                        w.WriteStartObject();
                        PssSupport.WriteObject(w, r.Pod.Owner);
                        w.WriteString("check", f.Check);
                        w.WriteString("reason", f.Reason);
                        w.WriteString("detail", f.Detail);
                        w.WriteEndObject();
                    }
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        PssSupport.Flush(io, stream);
    }

    private static void WriteResults(Utf8JsonWriter w, string name, IReadOnlyList<WorkloadResult> results)
    {
        w.WriteStartArray(name);
        foreach (var r in results)
        {
            w.WriteStartObject();
            PssSupport.WriteObject(w, r.Pod.Owner);
            PssSupport.WriteLocation(w, r.Pod.Owner);
            w.WriteString("policy", r.Result.Policy.ToString());
            PssSupport.WriteViolations(w, r.Result.Failures);
            w.WriteString("message", PssSupport.MessageOf(r.Pod, r.Result));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void RenderText(CliIO io, IReadOnlyList<NamespaceAssessment> assessments)
    {
        var console = Rendering.ConsoleFactory.Create(io.Out);
        if (assessments.Count == 0)
        {
            io.Out.WriteLine("No namespaces or pod-bearing objects found.");
            return;
        }

        foreach (var a in assessments)
        {
            var origin = a.Object is { } ns ? PssSupport.Where(ns) : "no Namespace object in the input: no labels, the defaults apply";
            io.Out.WriteLine($"namespace {a.Name} ({origin})");
            io.Out.WriteLine($"  enforce={a.Policy.Enforce}  audit={a.Policy.Audit}  warn={a.Policy.Warn}");
            foreach (var e in a.Policy.Errors)
            {
                io.Out.WriteLine($"  label error: {e}");
            }

            if (a.Exempt is not null)
            {
                io.Out.WriteLine($"  {a.Exempt}: its labels are ignored and no workload in it is evaluated");
            }

            if (a.Workloads.Count == 0)
            {
                io.Out.WriteLine("  no workloads in the input");
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded);
                table.AddColumns("Workload", "Enforce", "Audit", "Warn", "Restricted");
                foreach (var pod in a.Workloads)
                {
                    var exempt = a.ExemptWorkloads.FirstOrDefault(e => ReferenceEquals(e.Pod, pod));
                    var restricted = a.FailingRestricted.FirstOrDefault(r => ReferenceEquals(r.Pod, pod));
                    var enforce = exempt is not null ? "[grey]exempt[/]"
                        : a.Denied.Any(r => ReferenceEquals(r.Pod, pod)) ? "[red]denied[/]"
                        : a.PodsWouldBeDenied.Any(r => ReferenceEquals(r.Pod, pod)) ? "[red]its pods denied[/]"
                        : "[green]ok[/]";
                    table.AddRow(
                        Markup.Escape(PssSupport.Describe(pod.Owner)),
                        enforce,
                        a.Audited.Any(r => ReferenceEquals(r.Pod, pod)) ? "[yellow]violation[/]" : "-",
                        a.Warned.Any(r => ReferenceEquals(r.Pod, pod)) ? "[yellow]warning[/]" : "-",
                        restricted is null ? "[green]pass[/]" : Markup.Escape(string.Join(", ", restricted.Result.Failures.Select(f => f.Check))));
                }

                console.Write(table);
            }

            io.Out.WriteLine($"  recommendation: enforce {a.Recommended.ToLabel()}");
            foreach (var r in a.FailingRestricted)
            {
                foreach (var f in r.Result.Failures)
                {
                    io.Out.WriteLine($"  blocks restricted: {PssSupport.Describe(r.Pod.Owner)}: {f.Check}: {f}");
                }
            }

            io.Out.WriteLine();
        }
    }
}
