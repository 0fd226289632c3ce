using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.PodSecurity;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark pss labels PATH...`: the pod-security.kubernetes.io/* labels that enforce the recommended level (or
/// --level) and audit and warn at restricted, pinned to a version, as Namespace manifests or kubectl merge patches.
/// Writes to stdout only: files are never changed.
/// </summary>
public sealed partial class PssLabelsCommand : Command
{
    public PssLabelsCommand(CliIO io)
        : base("labels", "Print Namespace manifests (or kubectl merge patches) with the Pod Security labels that enforce the recommended level and warn/audit at restricted.")
    {
        Arguments.Add(Paths);
        Options.Add(Level);
        Options.Add(Version);
        Output.AcceptOnlyFromAmong("yaml", "patch");
        Options.Add(Output);
        Options.Add(NewestVersion);
        Options.Add(ConfigPath);
        Options.Add(AdmissionConfig);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string[]> Paths { get; } = PssSupport.Paths();

    public Option<string?> Level { get; } = new("--level", "-l")
    {
        Description = "The level to enforce in every namespace (default: the recommended one, the strictest every workload passes).",
    };

    public Option<string?> Version { get; } = PssSupport.VersionOption("The version to pin the labels to (default: the newest version, see --newest-version).");

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: yaml (Namespace manifests) or patch (kubectl patch commands with a JSON merge patch).",
        DefaultValueFactory = _ => "yaml",
    };

    public Option<string?> NewestVersion { get; } = PssSupport.NewestVersionOption();

    public Option<string?> ConfigPath { get; } = PssSupport.ConfigOption();

    public Option<string?> AdmissionConfig { get; } = PssSupport.AdmissionConfigOption();

    private int Execute(CliIO io, ParseResult parse)
    {
        PodSecurityLevel? level = null;
        if (parse.GetValue(Level) is { } levelText)
        {
            if (PssSupport.Level(io, levelText) is not { } parsed)
            {
                return ExitCodes.UsageOrInputError;
            }

            level = parsed;
        }

        PolicyVersion? version = null;
        if (parse.GetValue(Version) is { } versionText)
        {
            if (PssSupport.Version(io, "--version", versionText) is not { } parsed)
            {
                return ExitCodes.UsageOrInputError;
            }

            version = parsed;
        }

        if (PssSupport.Load(io, parse, Paths, ConfigPath, AdmissionConfig, NewestVersion) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var pinned = (version ?? input.Evaluator.NewestVersion).ToString();
        var patch = parse.GetValue(Output) == "patch";
        var first = true;
        foreach (var a in NamespaceAssessment.Assess(input.Inventory, input.Config, input.Evaluator))
        {
            var enforce = level ?? a.Recommended;
            var labels = new List<(string Key, string Value)>
            {
                (NamespacePolicy.EnforceLabel, enforce.ToLabel()),
                (NamespacePolicy.EnforceVersionLabel, pinned),
                (NamespacePolicy.AuditLabel, "restricted"),
                (NamespacePolicy.AuditVersionLabel, pinned),
                (NamespacePolicy.WarnLabel, "restricted"),
                (NamespacePolicy.WarnVersionLabel, pinned),
            };
            var comments = Comments(a, enforce, level is null);
            if (level is { } chosen && chosen > a.Recommended)
            {
                var policy = new LevelVersion(chosen, version ?? PolicyVersion.Latest);
                comments.AddRange(a.Workloads
                    .Where(p => !a.ExemptWorkloads.Any(e => ReferenceEquals(e.Pod, p)))
                    .Select(p => (Pod: p, Result: input.Evaluator.Evaluate(policy, p)))
                    .Where(r => !r.Result.Allowed)
                    .Select(r => $"would be denied at {policy}: {PssSupport.Describe(r.Pod.Owner)}: {string.Join(", ", r.Result.Failures.Select(f => f.Check))}"));
            }
            if (patch)
            {
                WritePatch(io, a.Name, labels, comments);
            }
            else
            {
                if (!first)
                {
                    io.Out.WriteLine("---");
                }

                WriteManifest(io, a, labels, comments);
            }

            first = false;
        }

        return input.HasInputErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static List<string> Comments(NamespaceAssessment a, PodSecurityLevel enforce, bool recommended)
    {
        var comments = new List<string>();
        if (a.Exempt is not null)
        {
            comments.Add($"{a.Exempt}: the API server ignores these labels");
        }

        comments.Add(!recommended ? $"enforce {enforce.ToLabel()} (--level)"
            : a.Workloads.Count == 0 ? $"enforce {enforce.ToLabel()}: no workload in the input runs here"
            : $"enforce {enforce.ToLabel()}: the strictest level every workload in the input ({a.Workloads.Count}) passes");
        foreach (var r in a.FailingRestricted)
        {
            comments.Add($"fails restricted: {PssSupport.Describe(r.Pod.Owner)}: {string.Join(", ", r.Result.Failures.Select(f => f.Check))}");
        }

        return comments;
    }

    private static void WriteManifest(CliIO io, NamespaceAssessment a, List<(string Key, string Value)> labels, List<string> comments)
    {
        foreach (var c in comments)
        {
            io.Out.WriteLine("# " + c);
        }

        io.Out.WriteLine("apiVersion: v1");
        io.Out.WriteLine("kind: Namespace");
        io.Out.WriteLine("metadata:");
        io.Out.WriteLine("  name: " + Scalar(a.Name));
        io.Out.WriteLine("  labels:");
        foreach (var (key, value) in NamespacePolicy.Labels(a.Object))
        {
            if (!key.StartsWith(NamespacePolicy.LabelPrefix, StringComparison.Ordinal))
            {
                io.Out.WriteLine($"    {Scalar(key)}: {JsonSerializer.Serialize(value)}");
            }
        }

        foreach (var (key, value) in labels)
        {
            io.Out.WriteLine($"    {key}: {value}");
        }
    }

    private static void WritePatch(CliIO io, string name, List<(string Key, string Value)> labels, List<string> comments)
    {
        foreach (var c in comments)
        {
            io.Out.WriteLine("# " + c);
        }

        var body = JsonSerializer.Serialize(new { metadata = new { labels = labels.ToDictionary(l => l.Key, l => l.Value) } });
        io.Out.WriteLine($"kubectl patch namespace {name} --type=merge -p '{body}'");
    }

    /// <summary>A key or value as plain YAML when safe, else double-quoted.</summary>
    private static string Scalar(string text) =>
        PlainScalar().IsMatch(text) && !AmbiguousScalar().IsMatch(text) ? text : JsonSerializer.Serialize(text);

    [GeneratedRegex("^(y|yes|n|no|true|false|on|off|null|[0-9].*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AmbiguousScalar();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9./_]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainScalar();
}
