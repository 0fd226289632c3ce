using System.CommandLine;
using System.Text.Json;
using Bulwark.Config;
using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Output;
using Bulwark.Rbac;
using Bulwark.Rbac.Risks;
using Bulwark.Rules;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac risks`: every risk of the RBAC risk catalog (RBAC.md section 2) in the input, as findings of the scan
/// schema plus the catalog id and the subjects that hold it through which binding.
/// </summary>
public sealed class RbacRisksCommand : Command
{
    /// <summary>The scan rules of the catalog's service-account hygiene items, and their catalog ids.</summary>
    private static readonly Dictionary<string, string> HygieneRules = new(StringComparer.Ordinal)
    {
        ["automount-service-account-token"] = "default-sa-automount",
        ["default-service-account"] = "default-sa-automount",
        ["shared-service-account"] = "shared-sa",
    };

    private readonly RbacCommonOptions _common = new();

    public RbacRisksCommand(CliIO io)
        : base("risks", "List the RBAC risks of the catalog (escalate, bind, impersonate, secrets reads, workload creation in kube-system...) with who holds them.")
    {
        Options.Add(IncludeSystemSubjects);
        Options.Add(PrivilegedNamespaces);
        Options.Add(FailOn);
        _common.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<bool> IncludeSystemSubjects { get; } = new("--include-system-subjects")
    {
        Description = "Also report risks held only by system subjects (system:* users and groups, service accounts of kube-system), which are excluded by default.",
    };

    public Option<string[]> PrivilegedNamespaces { get; } = new("--privileged-namespace")
    {
        Description = "A namespace whose service accounts are as good as cluster-admin (repeatable; default kube-system). Add the namespaces of cluster-wide operators.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when a risk has this severity or higher: critical, high, medium, low, info, or none.",
        DefaultValueFactory = _ => "high",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var failOnText = parse.GetValue(FailOn)!;
        if (!SeverityNames.TryParseThreshold(failOnText, out var failOn))
        {
            io.Error.WriteLine($"bulwark: --fail-on must be one of {SeverityNames.AllNames} or none, not '{failOnText}'");
            return ExitCodes.UsageOrInputError;
        }

        var paths = parse.GetValue(_common.Files) is { Length: > 0 } p ? p : ["."];
        if (paths.Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return ExitCodes.UsageOrInputError;
        }

        var load = new ManifestLoader { StdinProvider = io.Stdin }.Load(paths);
        foreach (var error in load.Errors)
        {
            io.Error.WriteLine($"bulwark: {(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        var privileged = parse.GetValue(PrivilegedNamespaces) is { Length: > 0 } ns ? ns : ["kube-system"];
        var options = new RiskOptions { PrivilegedNamespaces = privileged };
        if (RbacSupport.BuildModel(io, load.Objects, parse.GetValue(_common.NoDefaultRoles), parse.GetValue(_common.KubernetesVersion)) is not { } model)
        {
            return ExitCodes.UsageOrInputError;
        }

        var risks = Collect(model, load, options, parse.GetValue(IncludeSystemSubjects));

        if (_common.Json(parse))
        {
            WriteJson(io, risks);
        }
        else
        {
            WriteTable(io, risks);
        }

        if (load.Errors.Any(e => e.Level == InputErrorLevel.Error))
        {
            return ExitCodes.UsageOrInputError;
        }

        return failOn is { } t && risks.Any(r => r.Finding.Severity >= t) ? ExitCodes.Findings : ExitCodes.Success;
    }

    /// <summary>
    /// The risks to report: the engine's, with holders filtered (system subjects excluded unless asked), dropping risks
    /// whose every holder was filtered out, and unbound risks of default or bootstrap roles; then the service-account
    /// hygiene findings of the scan rules.
    /// </summary>
    internal static List<(Finding Finding, string Risk, IReadOnlyList<RiskHolder> Holders)> Collect(RbacModel model, LoadResult load, RiskOptions options, bool includeSystem)
    {
        var result = new List<(Finding, string, IReadOnlyList<RiskHolder>)>();
        foreach (var risk in RiskEngine.Analyze(model, options))
        {
            var holders = includeSystem ? risk.Holders : risk.Holders.Where(h => !h.IsSystem(options.SystemNamespaces)).ToList();
            if (risk.WasHeld && holders.Count == 0)
            {
                continue;
            }

            var obj = risk.Role?.IsDefault == true ? null : risk.Object;
            var pointer = risk.Pointer;
            if (!risk.WasHeld && risk.Role is { } role &&
                (obj is null || RiskEngine.IsBootstrap(obj) || (!includeSystem && role.Name.StartsWith("system:", StringComparison.Ordinal))))
            {
                continue;
            }

            if (obj is null)
            {
                // A default role the input does not contain: point at the roleRef of a binding that holds it.
                var binding = holders.FirstOrDefault()?.Binding ?? risk.Binding;
                if (binding?.Source is null)
                {
                    continue;
                }

                obj = binding.Source;
                pointer = "/roleRef/name";
            }

            var rule = RuleCatalog.BuiltIn.Find("rbac-" + risk.Risk);
            result.Add((ToFinding(rule, "rbac-" + risk.Risk, risk.Severity, obj, pointer, risk.Message), risk.Risk, holders));
        }

        var scan = new Scanner(RuleCatalog.BuiltIn, BulwarkConfig.Default, new ScanOptions { OnlyRules = HygieneRules.Keys.ToHashSet() }).Scan(load);
        foreach (var finding in scan.Findings)
        {
            result.Add((finding, HygieneRules[finding.Rule], []));
        }

        return result.OrderByDescending(r => r.Item1.Severity).ThenBy(r => r.Item1.Location?.File, StringComparer.Ordinal)
            .ThenBy(r => r.Item1.Location?.Line).ThenBy(r => r.Item2, StringComparer.Ordinal).ToList();
    }

    private static Finding ToFinding(Bulwark.Rules.Rule? rule, string id, Severity severity, KubeObject obj, string pointer, string message)
    {
        var position = FieldLocator.Locate(obj.Root, pointer);
        return new Finding
        {
            Rule = id,
            Title = rule?.Info.Title ?? id,
            Severity = severity,
            Controls = rule?.Info.Controls ?? ["RBAC-3"],
            Message = message,
            Object = obj.Ref,
            Path = pointer,
            Location = new Location(obj.Origin.File.Path, position.Line, position.Column),
            Remediation = rule?.Info.Remediation ?? string.Empty,
        };
    }

    private static void WriteJson(CliIO io, List<(Finding Finding, string Risk, IReadOnlyList<RiskHolder> Holders)> risks)
    {
        using var stream = new MemoryStream();
        using (var w = RbacSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteString("name", ToolInfo.Name);
            w.WriteString("version", ToolInfo.Version);
            w.WriteEndObject();
            w.WriteStartArray("findings");
            foreach (var (f, risk, holders) in risks)
            {
                w.WriteStartObject();
                JsonReport.WriteFindingFields(w, f);
                w.WriteString("risk", risk);
                WriteSubjects(w, holders);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("summary");
            w.WriteNumber("total", risks.Count);
            foreach (var severity in Enum.GetValues<Severity>().Reverse())
            {
                w.WriteNumber(severity.Name(), risks.Count(r => r.Finding.Severity == severity));
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        RbacSupport.Flush(io, stream);
    }

    private static void WriteSubjects(Utf8JsonWriter w, IReadOnlyList<RiskHolder> holders)
    {
        w.WriteStartArray("subjects");
        foreach (var h in holders.Distinct())
        {
            w.WriteStartObject();
            w.WriteString("kind", h.Subject.Kind);
            w.WriteString("name", h.Subject.Name);
            RbacSupport.WriteOptional(w, "namespace", h.Subject.Kind == RbacSubject.ServiceAccount ? h.Subject.Namespace ?? NullIfEmpty(h.Binding.Namespace) : h.Subject.Namespace);
            w.WriteStartObject("binding");
            w.WriteString("kind", h.Binding.Kind);
            w.WriteString("name", h.Binding.Name);
            RbacSupport.WriteOptional(w, "namespace", NullIfEmpty(h.Binding.Namespace));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static void WriteTable(CliIO io, List<(Finding Finding, string Risk, IReadOnlyList<RiskHolder> Holders)> risks)
    {
        if (risks.Count == 0)
        {
            io.Out.WriteLine("no RBAC risks found");
            return;
        }

        var console = Rendering.ConsoleFactory.Create(io.Out);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Severity", "Risk", "Where", "Held by", "Message");
        foreach (var (f, risk, holders) in risks)
        {
            var held = holders.Count == 0 ? "-" : string.Join("\n", holders.Distinct().Select(h => $"{h.Subject} via {h.Binding}"));
            table.AddRow(f.Severity.Name(), Markup.Escape(risk), Markup.Escape($"{f.Location!.File}:{f.Location.Line}"), Markup.Escape(held), Markup.Escape(f.Message));
        }

        console.Write(table);
        io.Out.WriteLine($"{risks.Count} risk(s): " + string.Join(", ", Enum.GetValues<Severity>().Reverse()
            .Select(s => (s, n: risks.Count(r => r.Finding.Severity == s))).Where(x => x.n > 0).Select(x => $"{x.n} {x.s.Name()}")));
    }
}
