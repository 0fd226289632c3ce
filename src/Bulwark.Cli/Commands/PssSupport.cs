using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;
using Bulwark.Rules;

namespace Bulwark.Cli.Commands;

/// <summary>What the pss subcommands share: inputs, the Pod Security configuration and the evaluator.</summary>
internal sealed record PssInput(Inventory Inventory, PodSecurityConfiguration Config, PodSecurityEvaluator Evaluator, bool HasInputErrors);

/// <summary>Options and loading shared by the `bulwark pss` subcommands.</summary>
internal static class PssSupport
{
    public static Argument<string[]> Paths() => new("paths")
    {
        Description = "Files or folders of manifests (folders recursively: *.yaml, *.yml, *.json); '-' reads stdin. Default: the current folder.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> ConfigOption() => new("--config", "-c")
    {
        Description = "Configuration file whose podSecurity key gives defaults and exemptions (default: .bulwark.yaml found upward from the first path).",
    };

    public static Option<string?> AdmissionConfigOption() => new("--admission-config")
    {
        Description = "The API server's admission configuration file (a PodSecurityConfiguration, or an AdmissionConfiguration with a PodSecurity plugin); replaces the podSecurity key of the config.",
    };

    public static Option<string?> NewestVersionOption() => new("--newest-version")
    {
        Description = $"The policy version 'latest' stands for, as on your API server (default {PodSecurityEvaluator.DefaultNewestVersion}; at most {PodSecurityEvaluator.NewestKnownVersion}).",
    };

    public static Option<string?> VersionOption(string description) => new("--version")
    {
        Description = description,
    };

    /// <summary>Parses a level; writes a one-line error and returns null when invalid.</summary>
    public static PodSecurityLevel? Level(CliIO io, string? text)
    {
        if (PodSecurityLevels.TryParse(text, out var level))
        {
            return level;
        }

        io.Error.WriteLine($"bulwark: --level must be one of privileged, baseline, restricted, not '{text}'");
        return null;
    }

    /// <summary>Parses a version (<c>latest</c> or <c>v1.N</c>); writes a one-line error and returns null when invalid.</summary>
    public static PolicyVersion? Version(CliIO io, string option, string? text)
    {
        if (PolicyVersion.TryParse(text, out var version))
        {
            return version;
        }

        io.Error.WriteLine($"bulwark: {option} must be \"latest\" or \"v1.N\" (for example v1.35), not '{text}'");
        return null;
    }

    /// <summary>Loads the manifests and the configuration; null (after a one-line error) on a usage or configuration error.</summary>
    public static PssInput? Load(CliIO io, ParseResult parse, Argument<string[]> pathsArgument, Option<string?> configOption,
        Option<string?> admissionOption, Option<string?> newestOption)
    {
        var paths = parse.GetValue(pathsArgument) is { Length: > 0 } p ? p : ["."];
        if (paths.Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return null;
        }

        PolicyVersion? newest = null;
        if (parse.GetValue(newestOption) is { } newestText)
        {
            if (Version(io, "--newest-version", newestText) is not { } parsed)
            {
                return null;
            }

            newest = parsed;
        }

        PodSecurityConfiguration config;
        try
        {
            if (parse.GetValue(admissionOption) is { } admissionPath)
            {
                if (!File.Exists(admissionPath))
                {
                    io.Error.WriteLine($"bulwark: {admissionPath}: admission configuration file not found");
                    return null;
                }

                config = PodSecurityConfigLoader.Load(admissionPath);
            }
            else
            {
                var explicitPath = parse.GetValue(configOption);
                if (explicitPath is not null && !File.Exists(explicitPath))
                {
                    io.Error.WriteLine($"bulwark: {explicitPath}: config file not found");
                    return null;
                }

                var configPath = explicitPath ?? ConfigLoader.Discover(paths);
                var bulwarkConfig = configPath is null ? BulwarkConfig.Default : ConfigLoader.Load(configPath, RuleCatalog.BuiltIn);
                config = bulwarkConfig.PodSecurity;
                newest ??= bulwarkConfig.Parameters.PodSecurityNewestVersion; // --newest-version wins over the config
            }
        }
        catch (ConfigException ex)
        {
            io.Error.WriteLine($"bulwark: invalid config: {ex.Message}");
            return null;
        }

        if (config.UsernameNote is { } note)
        {
            io.Error.WriteLine($"bulwark: note: {note}");
        }

        var load = new ManifestLoader { StdinProvider = io.Stdin }.Load(paths);
        var inventory = new Inventory(load.Objects);
        var errors = load.Errors.Concat(inventory.ConversionErrors).ToList();
        foreach (var error in errors)
        {
            io.Error.WriteLine($"bulwark: {(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        var evaluator = new PodSecurityEvaluator(newest ?? PodSecurityEvaluator.DefaultNewestVersion);
        return new PssInput(inventory, config, evaluator, errors.Any(e => e.Level == InputErrorLevel.Error));
    }

    public static Utf8JsonWriter JsonWriter(Stream stream) =>
        new(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes the finished JSON document to the output.</summary>
    public static void Flush(CliIO io, MemoryStream stream)
    {
        io.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        io.Out.WriteLine();
    }

    public static void WriteObject(Utf8JsonWriter w, KubeObject obj)
    {
        w.WriteStartObject("object");
        w.WriteString("apiVersion", obj.ApiVersion);
        w.WriteString("kind", obj.Kind);
        if (obj.IsClusterScoped || obj.Namespace is null)
        {
            w.WriteNull("namespace");
        }
        else
        {
            w.WriteString("namespace", obj.Namespace);
        }

        w.WriteString("name", obj.Name);
        w.WriteEndObject();
    }

    public static void WriteLocation(Utf8JsonWriter w, KubeObject obj)
    {
        var at = obj.Root.Start;
        w.WriteStartObject("location");
        w.WriteString("file", obj.Origin.File.Path);
        w.WriteNumber("line", at.Line);
        w.WriteNumber("column", at.Column);
        w.WriteEndObject();
    }

    public static void WriteViolations(Utf8JsonWriter w, IEnumerable<PodSecurityFailure> failures)
    {
        w.WriteStartArray("violations");
        foreach (var f in failures)
        {
            w.WriteStartObject();
            w.WriteString("check", f.Check);
            w.WriteString("reason", f.Reason);
            w.WriteString("detail", f.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static string Describe(KubeObject obj) => obj.Namespace is null || obj.IsClusterScoped
        ? $"{obj.Kind}/{obj.Name}"
        : $"{obj.Kind}/{obj.Namespace}/{obj.Name}";

    public static string Where(KubeObject obj) => $"{obj.Origin.File.Path}:{obj.Root.Start.Line}";

    /// <summary>Upstream's message for a workload: the enforcement text for a Pod, the warning text for a template.</summary>
    public static string MessageOf(PodTemplate pod, PodSecurityResult result) =>
        NamespaceAssessment.IsPod(pod) ? result.Message : result.WarningMessage;
}
