using System.CommandLine;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Rbac;
using Bulwark.Rbac.Paths;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac paths [--from SUBJECT] [--to cluster-admin|SUBJECT]`: the shortest escalation paths (RBAC.md
/// section 3) from each subject to cluster-admin-equivalent power, each step named by the risk id that grants it.
/// Exit 0 when no path exists, 1 when one does, 2 on a usage or input error.
/// </summary>
public sealed class RbacPathsCommand : Command
{
    private readonly RbacCommonOptions _common = new();

    public RbacPathsCommand(CliIO io)
        : base("paths", "Find escalation paths from subjects to cluster-admin-equivalent power, shortest first, each step explained by the binding, role and rule that grant it.")
    {
        _common.AddTo(this, "table", "json", "dot");
        Options.Add(From);
        Options.Add(To);
        Options.Add(IncludeSystem);
        Options.Add(PrivilegedNamespaces);
        Options.Add(MaxDepth);
        Options.Add(Config);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string?> From { get; } = new("--from")
    {
        Description = $"Start only from this subject: {RbacSupport.SubjectSyntax} (default: every subject of the input, without system subjects).",
    };

    public Option<string> To { get; } = new("--to")
    {
        Description = $"The target: cluster-admin (cluster-admin-equivalent power, the default) or a subject ({RbacSupport.SubjectSyntax}).",
        DefaultValueFactory = _ => "cluster-admin",
    };

    public Option<bool> IncludeSystem { get; } = new("--include-system-subjects")
    {
        Description = "Also start from system subjects: system:* users and groups, service accounts of kube-system, kube-public and kube-node-lease.",
    };

    public Option<string[]> PrivilegedNamespaces { get; } = new("--privileged-namespace")
    {
        Description = "A namespace whose workloads are presumed powerful (names workload-create-kube-system and secrets-read-kube-system steps). Repeatable; default kube-system.",
    };

    public Option<int> MaxDepth { get; } = new("--max-depth")
    {
        Description = "The longest path reported, in steps (default 8).",
        DefaultValueFactory = _ => 8,
    };

    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "The .bulwark.yaml whose podSecurity: defaults and exemptions decide where a pod can reach its node (default: found upward from the inputs).",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var target = Identity.Parse(parse.GetValue(To) ?? "cluster-admin");
        if (target is null)
        {
            io.Error.WriteLine($"bulwark: --to must be cluster-admin or {RbacSupport.SubjectSyntax}, not '{parse.GetValue(To)}'");
            return ExitCodes.UsageOrInputError;
        }

        Identity? from = null;
        if (parse.GetValue(From) is { } fromText && ((from = Identity.Parse(fromText)) is null || from.IsTarget))
        {
            io.Error.WriteLine($"bulwark: --from must be {RbacSupport.SubjectSyntax}, not '{fromText}'");
            return ExitCodes.UsageOrInputError;
        }

        if (parse.GetValue(MaxDepth) is var depth && depth < 1)
        {
            io.Error.WriteLine("bulwark: --max-depth must be at least 1");
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

        if (RbacSupport.BuildModel(io, load.Objects, parse.GetValue(_common.NoDefaultRoles), parse.GetValue(_common.KubernetesVersion)) is not { } model)
        {
            return ExitCodes.UsageOrInputError;
        }

        if (ReadPodSecurity(io, parse, paths) is not { } podSecurity)
        {
            return ExitCodes.UsageOrInputError;
        }

        var privileged = parse.GetValue(PrivilegedNamespaces) is { Length: > 0 } ns ? ns : ["kube-system"];
        var options = new PathOptions
        {
            PodSecurity = podSecurity,
            PrivilegedNamespaces = new HashSet<string>(privileged, StringComparer.Ordinal),
            MaxDepth = depth,
            IncludeSystemSubjects = parse.GetValue(IncludeSystem),
        };
        var graph = EscalationGraph.Build(model, load.Objects, options);
        if (from is not null)
        {
            graph.AddNode(from);
        }

        graph.AddNode(target);
        var found = PathFinder.Find(graph, target, from is null ? PathFinder.DefaultSources(graph, options) : [from], options);
        switch (parse.GetValue(_common.Output))
        {
            case "json":
                WriteJson(io, target, found);
                break;
            case "dot":
                WriteDot(io, target, found);
                break;
            default:
                WriteTable(io, target, found);
                break;
        }

        return load.Errors.Any(e => e.Level == InputErrorLevel.Error) ? ExitCodes.UsageOrInputError
            : found.Count > 0 ? ExitCodes.Findings : ExitCodes.Success;
    }

    /// <summary>The podSecurity: settings of the explicit or discovered .bulwark.yaml; null after reporting an error.</summary>
    private Bulwark.PodSecurity.PodSecurityConfiguration? ReadPodSecurity(CliIO io, ParseResult parse, IReadOnlyList<string> paths)
    {
        var explicitPath = parse.GetValue(Config);
        if (explicitPath is not null && !File.Exists(explicitPath))
        {
            io.Error.WriteLine($"bulwark: {explicitPath}: config file not found");
            return null;
        }

        try
        {
            var configPath = explicitPath ?? Bulwark.Config.ConfigLoader.Discover(paths);
            return configPath is null ? Bulwark.PodSecurity.PodSecurityConfiguration.Default
                : Bulwark.Config.ConfigLoader.Load(configPath, Bulwark.Rules.RuleCatalog.BuiltIn).PodSecurity;
        }
        catch (Bulwark.Config.ConfigException ex)
        {
            io.Error.WriteLine($"bulwark: invalid config: {ex.Message}");
            return null;
        }
    }

    private static void WriteTable(CliIO io, Identity target, IReadOnlyList<EscalationPath> paths)
    {
        if (paths.Count == 0)
        {
            io.Out.WriteLine($"no escalation path to {target} (with the edges decidable from manifests: RBAC.md section 3, items 1-11)");
            return;
        }

        io.Out.WriteLine($"{paths.Count} escalation path{(paths.Count == 1 ? string.Empty : "s")} to {target}, shortest first");
        foreach (var path in paths)
        {
            io.Out.WriteLine();
            io.Out.WriteLine($"{path.From} ({path.Steps.Count} step{(path.Steps.Count == 1 ? string.Empty : "s")})");
            var i = 0;
            foreach (var step in path.Steps)
            {
                var scope = step.Scope.Length == 0 ? string.Empty : $" in namespace \"{step.Scope}\"";
                io.Out.WriteLine($"  {++i}. {step.Risk}{scope} -> {step.To}");
                if (step.PrivilegedGroup is { } group)
                {
                    io.Out.WriteLine($"     {group} bypasses RBAC (the API server's privileged-group authorizer)");
                }
                else if (step.Via.Count == 0)
                {
                    io.Out.WriteLine(step.From.Kind == Identity.NodeKind
                        ? "     root on a node gives its kubelet's credentials and the tokens of the pods it runs"
                        : $"     {step.From} is a node: its kubelet holds the tokens of the pods it runs");
                }

                foreach (var grant in step.Via)
                {
                    io.Out.WriteLine($"     {RbacSupport.Explain(grant)}");
                }

                if (step.Condition is { } condition)
                {
                    io.Out.WriteLine($"     condition: {condition}");
                }
            }
        }
    }

    private static void WriteJson(CliIO io, Identity target, IReadOnlyList<EscalationPath> paths)
    {
        using var stream = new MemoryStream();
        using (var w = RbacSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            WriteIdentity(w, "target", target);
            w.WriteStartArray("paths");
            foreach (var path in paths)
            {
                w.WriteStartObject();
                WriteIdentity(w, "from", path.From);
                w.WriteNumber("length", path.Steps.Count);
                w.WriteStartArray("steps");
                foreach (var step in path.Steps)
                {
                    w.WriteStartObject();
                    w.WriteString("edge", step.Risk);
                    WriteIdentity(w, "from", step.From);
                    WriteIdentity(w, "to", step.To);
                    if (step.Scope.Length == 0)
                    {
                        w.WriteNull("namespace");
                    }
                    else
                    {
                        w.WriteString("namespace", step.Scope);
                    }

                    w.WriteStartObject("via");
                    if (step.PrivilegedGroup is { } group)
                    {
                        w.WriteString("privilegedGroup", group);
                    }
                    else if (step.Via.Count == 0)
                    {
                        // A node identity: the kubelet holds its pods' tokens, no RBAC grant is involved.
                        w.WriteString("nodeIdentity", step.From.Kind == Identity.NodeKind ? "node:" + step.From.Name : step.From.Name);
                    }
                    else
                    {
                        WriteGrant(w, step.Via[0]);
                    }

                    w.WriteEndObject();
                    w.WriteStartArray("alsoVia");
                    foreach (var grant in step.Via.Skip(1))
                    {
                        w.WriteStartObject();
                        WriteGrant(w, grant);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    if (step.Condition is { } condition)
                    {
                        w.WriteString("condition", condition);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        RbacSupport.Flush(io, stream);
    }

    private static void WriteIdentity(Utf8JsonWriter w, string property, Identity identity)
    {
        w.WriteStartObject(property);
        w.WriteString("id", identity.ToString());
        w.WriteString("kind", identity.Kind);
        w.WriteString("name", identity.Name);
        RbacSupport.WriteOptional(w, "namespace", identity.Namespace);
        w.WriteEndObject();
    }

    private static void WriteGrant(Utf8JsonWriter w, Grant g)
    {
        w.WriteStartObject("binding");
        w.WriteString("kind", g.Binding.Kind);
        w.WriteString("name", g.Binding.Name);
        RbacSupport.WriteOptional(w, "namespace", g.Binding.IsClusterRoleBinding ? null : g.Binding.Namespace);
        if (g.Binding.Source is { } source)
        {
            w.WriteString("file", source.Origin.File.Path);
            w.WriteNumber("line", source.Root.Start.Line);
        }

        w.WriteEndObject();
        w.WriteStartObject("role");
        w.WriteString("kind", g.Role.Kind);
        w.WriteString("name", g.Role.Name);
        RbacSupport.WriteOptional(w, "namespace", g.Role.Namespace.Length == 0 ? null : g.Role.Namespace);
        w.WriteEndObject();
        RbacSupport.WriteRule(w, g.Rule);
    }

    private static void WriteDot(CliIO io, Identity target, IReadOnlyList<EscalationPath> paths)
    {
        // The union of the reported paths: the whole escalation graph of a real cluster is too dense to read.
        io.Out.WriteLine("digraph \"rbac-paths\" {");
        io.Out.WriteLine("  rankdir=LR;");
        io.Out.WriteLine("  node [shape=box, fontname=\"Helvetica\"];");
        io.Out.WriteLine($"  {Quote(target.ToString())} [shape=doubleoctagon, style=filled, fillcolor=\"#f4cccc\"];");
        var nodes = new SortedSet<Identity>();
        var edges = new HashSet<(Identity, Identity, string)>();
        foreach (var step in paths.SelectMany(p => p.Steps))
        {
            nodes.Add(step.From);
            if (edges.Add((step.From, step.To, step.Risk)))
            {
                var scope = step.Scope.Length == 0 ? string.Empty : $" ({step.Scope})";
                var style = step.Condition is null ? string.Empty : ", style=dashed";
                io.Out.WriteLine($"  {Quote(step.From.ToString())} -> {Quote(step.To.ToString())} [label={Quote(step.Risk + scope)}{style}];");
            }
        }

        foreach (var source in paths.Select(p => p.From).Distinct())
        {
            io.Out.WriteLine($"  {Quote(source.ToString())} [style=bold];");
        }

        io.Out.WriteLine("}");
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
