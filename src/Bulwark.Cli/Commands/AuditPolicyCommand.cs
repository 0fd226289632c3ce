using System.CommandLine;
using System.Text.Json;
using Bulwark.Audit.Policy;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark audit policy`: writes the audit Policy the enabled detection rules need, or, with --check FILE, says which
/// enabled rules a given policy starves and why.
/// </summary>
public sealed class AuditPolicyCommand : Command
{
    private readonly AuditRuleOptions _rules = new();

    public AuditPolicyCommand(CliIO io)
        : base("policy", "Write the audit Policy the enabled detection rules need, or check a policy with --check FILE.")
    {
        Level.AcceptOnlyFromAmong("minimal", "recommended", "forensic");
        ConfigMaps.AcceptOnlyFromAmong("request", "metadata");
        Output.AcceptOnlyFromAmong("yaml", "json", "text");
        Options.Add(Level);
        Options.Add(ConfigMaps);
        Options.Add(Check);
        Options.Add(Output);
        _rules.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string> Level { get; } = new("--level")
    {
        Description = "minimal (only what the rules need), recommended (plus every other request at Metadata) or forensic (plus request bodies of reads and bodies of writes, secrets excepted).",
        DefaultValueFactory = _ => "recommended",
    };

    public Option<string> ConfigMaps { get; } = new("--configmaps")
    {
        Description = "ConfigMap writes at request level (default: rules that look for credentials in ConfigMaps can read them; the data reaches the log) or metadata (the data never does; those rules are starved).",
        DefaultValueFactory = _ => "request",
    };

    public Option<string?> Check { get; } = new("--check")
    {
        Description = "Check this policy file (YAML or JSON, '-' for stdin) instead: which enabled rules it starves, and why. Exit 1 when one is.",
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "yaml (default) or json for the policy; text (default) or json for --check.",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var check = parse.GetValue(Check);
        var format = parse.GetValue(Output);
        if (check is null && format == "text")
        {
            io.Error.WriteLine("bulwark: -o text is for --check; the policy is written as yaml or json");
            return ExitCodes.UsageOrInputError;
        }

        if (check is not null && format == "yaml")
        {
            io.Error.WriteLine("bulwark: --check reports as text or json, not yaml");
            return ExitCodes.UsageOrInputError;
        }

        var configPath = parse.GetValue(_rules.Config);
        var tuning = AuditSupport.LoadTuning(io, configPath, []);
        if (tuning is null || AuditSupport.Load(io, parse, _rules) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        return check is null
            ? Generate(io, parse, loaded.Pack, tuning, format ?? "yaml", loaded.HasErrors)
            : CheckPolicy(io, check, loaded.Pack, tuning, format ?? "text", loaded.HasErrors);
    }

    private int Generate(CliIO io, ParseResult parse, Audit.Detection.Engine.CompiledPack pack, Audit.Detection.Rules.AuditTuning tuning, string format, bool packErrors)
    {
        var options = new PolicyGeneratorOptions
        {
            Profile = parse.GetValue(Level) switch
            {
                "minimal" => PolicyProfile.Minimal,
                "forensic" => PolicyProfile.Forensic,
                _ => PolicyProfile.Recommended,
            },
            ConfigMaps = parse.GetValue(ConfigMaps) == "metadata" ? ConfigMapBodies.Metadata : ConfigMapBodies.Request,
        };
        var generated = PolicyGenerator.Generate(pack, options, tuning);
        if (format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = PssSupport.JsonWriter(stream))
            {
                PolicyWriter.WriteJson(generated.Policy, w);
            }

            PssSupport.Flush(io, stream);
        }
        else
        {
            io.Out.Write(PolicyWriter.ToYaml(generated));
        }

        foreach (var note in generated.Notes)
        {
            io.Error.WriteLine("bulwark: note: " + note);
        }

        return packErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static int CheckPolicy(CliIO io, string file, Audit.Detection.Engine.CompiledPack pack, Audit.Detection.Rules.AuditTuning tuning, string format, bool packErrors)
    {
        if (file != "-" && !File.Exists(file))
        {
            io.Error.WriteLine($"bulwark: {file}: no such file");
            return ExitCodes.UsageOrInputError;
        }

        var read = AuditPolicyReader.ReadFile(file, io.Stdin);
        if (read.Policy is not { } policy)
        {
            foreach (var error in read.Errors)
            {
                io.Error.WriteLine("bulwark: " + error);
            }

            return ExitCodes.UsageOrInputError;
        }

        var report = PolicyChecker.Check(policy, pack, tuning);
        if (format == "json")
        {
            WriteJson(io, report);
        }
        else
        {
            WriteText(io, report);
        }

        return packErrors ? ExitCodes.UsageOrInputError : report.Starved.Any() ? ExitCodes.Findings : ExitCodes.Success;
    }

    private static void WriteText(CliIO io, PolicyCheckReport report)
    {
        var starved = report.Starved.ToList();
        foreach (var rule in starved)
        {
            foreach (var s in rule.Starved)
            {
                io.Out.WriteLine("starved: " + s.Message);
            }
        }

        foreach (var rule in report.Rules.Where(r => r.Probes.Note is not null))
        {
            io.Out.WriteLine($"note: {rule.Rule.Id}: {rule.Probes.Note}");
        }

        foreach (var warning in report.Warnings)
        {
            io.Out.WriteLine("warning: " + warning);
        }

        var file = report.Policy.File.Length > 0 ? report.Policy.File : "the policy";
        io.Out.WriteLine(starved.Count == 0
            ? $"{file}: feeds all {report.Rules.Count} enabled detection rule(s)"
            : $"{file}: starves {starved.Count} of {report.Rules.Count} enabled detection rule(s)");
    }

    private static void WriteJson(CliIO io, PolicyCheckReport report)
    {
        using var stream = new MemoryStream();
        using (var w = PssSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("policy", report.Policy.File);
            w.WriteStartArray("rules");
            foreach (var r in report.Rules)
            {
                w.WriteStartObject();
                w.WriteString("rule", r.Rule.Id);
                w.WriteString("status", r.IsStarved ? "starved" : "fed");
                w.WriteString("level", r.Rule.Level.ToString());
                Strings(w, "stages", r.Rule.Stages is { } st ? st.Order(StringComparer.Ordinal) : ["any"]);
                w.WriteString("probing", r.Probes.Scope.ToString().ToLowerInvariant());
                w.WriteNumber("requests", r.Probes.Probes.Count);
                w.WriteNumber("starvedRequests", r.StarvedCount);
                if (r.Probes.Note is { } note)
                {
                    w.WriteString("note", note);
                }

                w.WriteStartArray("starved");
                foreach (var s in r.Starved)
                {
                    w.WriteStartObject();
                    w.WriteString("reason", s.Reason switch
                    {
                        StarveReason.NotMatched => "not-matched",
                        StarveReason.Dropped => "dropped",
                        StarveReason.LevelTooLow => "level",
                        _ => "stage-omitted",
                    });
                    w.WriteString("message", s.Message);
                    if (s.PolicyRule is { } pr)
                    {
                        w.WriteStartObject("policyRule");
                        w.WriteNumber("number", pr.Number);
                        w.WriteNumber("line", pr.Line);
                        w.WriteString("level", pr.Level.ToString());
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteNull("policyRule");
                    }

                    if (s.Stages.Count > 0)
                    {
                        Strings(w, "stages", s.Stages);
                    }

                    Strings(w, "resources", s.Targets);
                    Strings(w, "verbs", s.Verbs);
                    Strings(w, "users", s.Users);
                    Strings(w, "namespaces", s.Namespaces);
                    w.WriteNumber("requests", s.Count);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Strings(w, "warnings", report.Warnings);
            w.WriteStartObject("summary");
            w.WriteNumber("rules", report.Rules.Count);
            w.WriteNumber("starved", report.Starved.Count());
            w.WriteEndObject();
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
