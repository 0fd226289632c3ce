using System.CommandLine;
using Bulwark.Network.Generation;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark netpol generate -f PATH... [--from-services | --from-connections FILE]`: least-privilege NetworkPolicies
/// (default deny and DNS per namespace, allow rules per workload), checked by analysing them. Exit 0 when the analysis
/// of input + generated policies allows exactly the intended connections, 1 when it differs, 2 on a usage or input
/// error (nothing is written when an output file exists and --force is not given).
/// </summary>
public sealed class NetpolGenerateCommand : Command
{
    private readonly NetpolCommonOptions _common = new(multiplePerToken: true);

    public NetpolGenerateCommand(CliIO io)
        : base("generate", "Generate least-privilege NetworkPolicies (default deny, DNS, allow rules from Services or a connections file) and verify them by analysis.")
    {
        Options.Add(_common.Files);
        Options.Add(FromServices);
        Options.Add(FromConnections);
        Options.Add(NoDns);
        Output.AcceptOnlyFromAmong("yaml", "json");
        Options.Add(Output);
        Options.Add(OutputDir);
        Options.Add(Force);
        SetAction(parse => Execute(io, parse));
    }

    public Option<bool> FromServices { get; } = new("--from-services")
    {
        Description = "Infer the intended connections from the Services: clients found in env, args, command and referenced ConfigMaps/Secrets; public Services and Ingress backends (the default).",
    };

    public Option<string?> FromConnections { get; } = new("--from-connections")
    {
        Description = "Read the intended connections from a file in the connectivity JSON format ({\"connections\": [{\"src\", \"dst\", \"allowed\"}]}, as `netpol connectivity -o json` writes).",
    };

    public Option<bool> NoDns { get; } = new("--no-dns")
    {
        Description = "Do not generate the allow-dns policies (the intended connections are then exactly the Services' or the file's).",
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: yaml (commented, the default) or json.",
        DefaultValueFactory = _ => "yaml",
    };

    public Option<string?> OutputDir { get; } = new("--output-dir")
    {
        Description = "Write one file per policy, DIR/NAMESPACE/NAME.yaml (or .json), instead of one stream on stdout.",
    };

    public Option<bool> Force { get; } = new("--force") { Description = "Overwrite existing files in --output-dir." };

    private int Execute(CliIO io, ParseResult parse)
    {
        var connectionsPath = parse.GetValue(FromConnections);
        if (connectionsPath is not null && parse.GetValue(FromServices))
        {
            io.Error.WriteLine("bulwark: give either --from-services or --from-connections, not both");
            return ExitCodes.UsageOrInputError;
        }

        var paths = parse.GetValue(_common.Files) is { Length: > 0 } p ? p : ["."];
        if (paths.Count(x => x == "-") > 1 || (connectionsPath == "-" && paths.Contains("-")))
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return ExitCodes.UsageOrInputError;
        }

        var input = NetpolInputs.Load(io, paths);
        var warnings = new List<string>();
        IReadOnlyList<Intent>? connections = null;
        if (connectionsPath is not null)
        {
            string text;
            try
            {
                text = connectionsPath == "-" ? new StreamReader(io.Stdin()).ReadToEnd() : File.ReadAllText(connectionsPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                io.Error.WriteLine($"bulwark: {connectionsPath}: {e.Message}");
                return ExitCodes.UsageOrInputError;
            }

            var errors = new List<string>();
            connections = ConnectionsFile.Read(text, input.Model, errors, warnings);
            foreach (var error in errors)
            {
                io.Error.WriteLine($"bulwark: error: {connectionsPath}:{error}");
            }

            if (errors.Count > 0)
            {
                return ExitCodes.UsageOrInputError;
            }
        }

        var result = PolicyGeneration.Generate(input.Model, input.Inventory, new GenerationRequest { Connections = connections, Dns = !parse.GetValue(NoDns) });
        foreach (var warning in warnings.Select(w => $"{connectionsPath}:{w}").Concat(result.Warnings))
        {
            io.Error.WriteLine($"bulwark: warning: {warning}");
        }

        foreach (var note in result.Notes)
        {
            io.Error.WriteLine($"bulwark: note: {note}");
        }

        var preexisting = input.Model.Policies.Count;
        if (preexisting > 0)
        {
            io.Error.WriteLine(preexisting == 1
                ? "bulwark: note: the input has 1 NetworkPolicy; it stays in force next to the generated ones and is part of the verification"
                : $"bulwark: note: the input has {preexisting} NetworkPolicies; they stay in force next to the generated ones and are part of the verification");
        }

        var json = parse.GetValue(Output) == "json";
        if (parse.GetValue(OutputDir) is { } dir)
        {
            if (!WriteFiles(io, dir, result.Policies, json, parse.GetValue(Force)))
            {
                return ExitCodes.UsageOrInputError;
            }
        }
        else
        {
            io.Out.Write(json
                ? GeneratedPolicyWriter.ToJsonList(result.Policies)
                : GeneratedPolicyWriter.ToYamlStream(result.Policies, Header(result, connectionsPath)));
        }

        GenerationVerification verification;
        try
        {
            verification = GenerationVerifier.Verify(input.Objects, result);
        }
        catch (InvalidOperationException e)
        {
            io.Error.WriteLine($"bulwark: error: cannot verify the generated policies: {e.Message}");
            return ExitCodes.UsageOrInputError;
        }

        if (verification.Verified)
        {
            io.Error.WriteLine($"bulwark: verified: the generated policies allow exactly the {NetpolSupport.Count(verification.IntendedCount, "intended connection")}" +
                (result.DnsTargets.Any(t => t.IsFallback) ? " (DNS not verified: no DNS server in the input)" : string.Empty));
        }
        else
        {
            io.Error.WriteLine($"bulwark: verification failed: the analysis of the input with the generated policies differs from the {NetpolSupport.Count(verification.IntendedCount, "intended connection")}:");
            foreach (var line in verification.Describe())
            {
                io.Error.WriteLine($"  {line}");
            }
        }

        if (input.HasErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return verification.Verified ? ExitCodes.Success : ExitCodes.Findings;
    }

    private static IEnumerable<string> Header(GenerationResult result, string? connectionsPath)
    {
        yield return $"NetworkPolicies generated by `bulwark netpol generate` from {(connectionsPath is null ? "the Services of the input" : connectionsPath)}.";
        yield return $"Namespaces: {(result.Governed.Count == 0 ? "none" : string.Join(", ", result.Governed))}: each gets a default deny, DNS egress, and the allow rules below.";
        yield return "Review before applying: workloads that call the Kubernetes API or addresses outside the cluster need rules the manifests do not show.";
        foreach (var warning in result.Warnings)
        {
            yield return "WARNING: " + warning;
        }
    }

    private static bool WriteFiles(CliIO io, string dir, IReadOnlyList<GeneratedPolicy> policies, bool json, bool force)
    {
        var extension = json ? "json" : "yaml";
        var targets = policies.Select(p => (Policy: p, Path: Path.Combine(dir, p.RelativePath(extension)))).ToList();
        var existing = targets.Where(t => File.Exists(t.Path)).Select(t => t.Path).ToList();
        if (existing.Count > 0 && !force)
        {
            io.Error.WriteLine($"bulwark: {existing[0]} already exists{(existing.Count > 1 ? $" (and {existing.Count - 1} more)" : string.Empty)}; nothing written (--force overwrites)");
            return false;
        }

        try
        {
            foreach (var (policy, path) in targets)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, json ? GeneratedPolicyWriter.ToJson(policy) : GeneratedPolicyWriter.ToYaml(policy));
                io.Out.WriteLine($"wrote {path}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            io.Error.WriteLine($"bulwark: {dir}: {e.Message}");
            return false;
        }

        return true;
    }
}
