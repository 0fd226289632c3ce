using System.Text.RegularExpressions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;

namespace Bulwark.Audit.Policy;

/// <summary>An error in a policy file, at a line and column (0 when the whole file is concerned).</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>A policy read from a file, or the errors that kept it from being read.</summary>
public sealed record PolicyReadResult(AuditPolicy? Policy, IReadOnlyList<PolicyError> Errors);

/// <summary>
/// Reads an audit Policy (YAML or JSON, audit.k8s.io/v1 or v1beta1) strictly: unknown fields and values of the wrong
/// type are errors (the API server's decoder would ignore a misspelt <c>omitstages</c> silently; here it is reported),
/// and the API server's own validation applies (levels, stages, non-resource URLs, groups, resourceNames, at least one
/// rule). Every error is reported with its line and column; none hides the others.
/// </summary>
public static partial class AuditPolicyReader
{
    private static readonly HashSet<string> TopKeys = ["apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields"];
    private static readonly HashSet<string> RuleKeys = ["level", "users", "userGroups", "verbs", "resources", "namespaces", "nonResourceURLs", "omitStages", "omitManagedFields"];
    private static readonly HashSet<string> GroupKeys = ["group", "resources", "resourceNames"];

    /// <summary>Reads a file ("-" for standard input).</summary>
    public static PolicyReadResult ReadFile(string path, Func<Stream>? stdin = null)
    {
        var loader = stdin is null ? new ManifestLoader() : new ManifestLoader { StdinProvider = stdin };
        return FromLoad(loader.Load([path]), path == "-" ? SourceFile.StdinName : path);
    }

    /// <summary>Reads a policy held in memory (tests).</summary>
    public static PolicyReadResult ReadText(string text, string name = "policy.yaml") => FromLoad(new ManifestLoader().LoadText(text, name), name);

    private static PolicyReadResult FromLoad(LoadResult load, string file)
    {
        var errors = new List<PolicyError>();
        foreach (var e in load.Errors.Where(e => e.Level == InputErrorLevel.Error))
        {
            errors.Add(new PolicyError(e.File, e.Line, e.Column, e.Message));
        }

        if (errors.Count > 0)
        {
            return new PolicyReadResult(null, errors);
        }

        if (load.Objects.Count == 0)
        {
            var why = load.Errors.FirstOrDefault();
            return new PolicyReadResult(null, [why is null
                ? new PolicyError(file, 0, 0, "no audit Policy found (the file needs apiVersion: audit.k8s.io/v1 and kind: Policy)")
                : new PolicyError(why.File, why.Line, why.Column, why.Message)]);
        }

        if (load.Objects.Count > 1)
        {
            var second = load.Objects[1].Root.Start;
            return new PolicyReadResult(null, [new PolicyError(file, second.Line, second.Column, "a policy file holds exactly one Policy; this is a second object")]);
        }

        var obj = load.Objects[0];
        var policy = Read(obj.Root, obj.Origin.File.Path, errors);
        return new PolicyReadResult(errors.Count == 0 ? policy : null, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    private static AuditPolicy Read(MappingNode root, string file, List<PolicyError> errors)
    {
        void Error(Position at, string message) => errors.Add(new PolicyError(file, at.Line, at.Column, message));

        var apiVersion = root.GetString("apiVersion") ?? string.Empty;
        if (apiVersion is not (AuditPolicy.V1 or AuditPolicy.V1Beta1))
        {
            Error(root.Get("apiVersion")!.Start, $"apiVersion '{apiVersion}' is not an audit policy version (expected {AuditPolicy.V1}, or the deprecated {AuditPolicy.V1Beta1})");
        }

        var kind = root.GetString("kind");
        if (kind != "Policy")
        {
            Error(root.Get("kind")!.Start, $"kind '{kind}' is not Policy");
        }

        foreach (var entry in root.Entries.Where(e => !TopKeys.Contains(e.Key.Value)))
        {
            Error(entry.Key.Start, $"unknown field '{entry.Key.Value}' in Policy (expected {string.Join(", ", TopKeys)})");
        }

        if (root.Get("metadata") is { } metadata && metadata is not MappingNode && metadata is not ScalarNode { IsNull: true })
        {
            Error(metadata.Start, "metadata must be a mapping");
        }

        var omitStages = Stages(root, "omitStages", "Policy", Error);
        var omitManaged = Bool(root, "omitManagedFields", Error) ?? false;

        var rules = new List<AuditPolicyRule>();
        switch (root.Get("rules"))
        {
            case null or ScalarNode { IsNull: true }:
                Error(root.Start, "the policy has no rules (the API server refuses a policy with 0 rules)");
                break;
            case SequenceNode seq:
                if (seq.Items.Count == 0)
                {
                    Error(seq.Start, "the policy has no rules (the API server refuses a policy with 0 rules)");
                }

                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (seq.Items[i] is MappingNode map)
                    {
                        rules.Add(ReadRule(map, i + 1, Error));
                    }
                    else
                    {
                        Error(seq.Items[i].Start, $"rules[{i}] must be a mapping (level, users, verbs, resources, ...)");
                    }
                }

                break;
            case var other:
                Error(other.Start, "rules must be a list");
                break;
        }

        return new AuditPolicy
        {
            ApiVersion = apiVersion,
            OmitStages = omitStages,
            OmitStagesLine = root.KeyOf("omitStages")?.Start.Line ?? 0,
            OmitManagedFields = omitManaged,
            Rules = rules,
            File = file,
        };
    }

    private static AuditPolicyRule ReadRule(MappingNode map, int number, Action<Position, string> error)
    {
        var where = $"rules[{number - 1}]";
        foreach (var entry in map.Entries.Where(e => !RuleKeys.Contains(e.Key.Value)))
        {
            error(entry.Key.Start, $"unknown field '{entry.Key.Value}' in {where} (expected {string.Join(", ", RuleKeys)})");
        }

        var level = AuditLevel.None;
        switch (map.Get("level"))
        {
            case null or ScalarNode { IsNull: true }:
                error(map.Start, $"{where}.level is required (None, Metadata, Request or RequestResponse)");
                break;
            case ScalarNode { Kind: ScalarKind.String } s when Enum.TryParse<AuditLevel>(s.Value, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(s.Value[0]):
                level = parsed;
                break;
            case var other:
                error(other.Start, $"{where}.level '{(other as ScalarNode)?.Value}' is not supported (None, Metadata, Request or RequestResponse)");
                break;
        }

        var urls = Strings(map, "nonResourceURLs", where, error);
        var urlNode = map.Get("nonResourceURLs") as SequenceNode;
        for (var i = 0; i < urls.Count; i++)
        {
            var url = urls[i];
            var at = urlNode!.Items[i].Start;
            if (url == "*")
            {
                continue;
            }

            if (!url.StartsWith('/'))
            {
                error(at, $"non-resource URL '{url}' must begin with '/'");
            }

            if (url.Length > 0 && url[..^1].Contains('*'))
            {
                error(at, $"non-resource URL '{url}': a wildcard '*' may only be the last character");
            }
        }

        var resources = new List<PolicyGroupResources>();
        switch (map.Get("resources"))
        {
            case null or ScalarNode { IsNull: true }:
                break;
            case SequenceNode seq:
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (seq.Items[i] is not MappingNode g)
                    {
                        error(seq.Items[i].Start, $"{where}.resources[{i}] must be a mapping (group, resources, resourceNames)");
                        continue;
                    }

                    var gwhere = $"{where}.resources[{i}]";
                    foreach (var entry in g.Entries.Where(e => !GroupKeys.Contains(e.Key.Value)))
                    {
                        error(entry.Key.Start, $"unknown field '{entry.Key.Value}' in {gwhere} (expected group, resources, resourceNames)");
                    }

                    var group = string.Empty;
                    if (g.Get("group") is { } groupNode && groupNode is not ScalarNode { IsNull: true })
                    {
                        if (groupNode is ScalarNode { Kind: ScalarKind.String } gs)
                        {
                            group = gs.Value;
                            if (group.Length > 0 && !GroupName().IsMatch(group))
                            {
                                error(gs.Start, $"group '{group}' is not a valid API group name (lower-case DNS subdomain, no version: rbac.authorization.k8s.io, not rbac.authorization.k8s.io/v1)");
                            }
                        }
                        else
                        {
                            error(groupNode.Start, $"{gwhere}.group must be a string (\"\" for the core group)");
                        }
                    }

                    var names = Strings(g, "resourceNames", gwhere, error);
                    var res = Strings(g, "resources", gwhere, error);
                    if (names.Count > 0 && res.Count == 0)
                    {
                        error(g.Get("resourceNames")!.Start, $"{gwhere}: resourceNames needs at least one resource");
                    }

                    resources.Add(new PolicyGroupResources(group, res, names));
                }

                break;
            case var other:
                error(other.Start, $"{where}.resources must be a list of {{group, resources, resourceNames}}");
                break;
        }

        var namespaces = Strings(map, "namespaces", where, error);
        if (urls.Count > 0 && (resources.Count > 0 || namespaces.Count > 0))
        {
            error(map.Get("nonResourceURLs")!.Start, $"{where}: a rule cannot apply to both resources (resources, namespaces) and non-resource URLs");
        }

        return new AuditPolicyRule
        {
            Level = level,
            Users = Strings(map, "users", where, error),
            UserGroups = Strings(map, "userGroups", where, error),
            Verbs = Strings(map, "verbs", where, error),
            Resources = resources,
            Namespaces = namespaces,
            NonResourceURLs = urls,
            OmitStages = Stages(map, "omitStages", where, error),
            OmitStagesLine = map.KeyOf("omitStages")?.Start.Line ?? 0,
            OmitManagedFields = Bool(map, "omitManagedFields", error),
            Number = number,
            Line = map.Start.Line,
        };
    }

    private static List<string> Strings(MappingNode map, string key, string where, Action<Position, string> error)
    {
        var result = new List<string>();
        switch (map.Get(key))
        {
            case null or ScalarNode { IsNull: true }:
                break;
            case SequenceNode seq:
                foreach (var item in seq.Items)
                {
                    if (item is ScalarNode { Kind: ScalarKind.String } s)
                    {
                        result.Add(s.Value);
                    }
                    else
                    {
                        error(item.Start, $"{where}.{key}: expected a string here{(item is ScalarNode sc ? $", not '{sc.Value}' (quote it)" : string.Empty)}");
                    }
                }

                break;
            case var other:
                error(other.Start, $"{where}.{key} must be a list of strings");
                break;
        }

        return result;
    }

    private static List<string> Stages(MappingNode map, string key, string where, Action<Position, string> error)
    {
        var result = Strings(map, key, where, error);
        var seq = map.Get(key) as SequenceNode;
        for (var i = 0; i < result.Count; i++)
        {
            if (!AuditStages.All.Contains(result[i]))
            {
                error(seq!.Items[i].Start, $"{where}.{key}: '{result[i]}' is not a stage ({string.Join(", ", AuditStages.All)})");
            }
        }

        return result;
    }

    private static bool? Bool(MappingNode map, string key, Action<Position, string> error) => map.Get(key) switch
    {
        null or ScalarNode { IsNull: true } => null,
        ScalarNode { Kind: ScalarKind.Bool } b => ScalarResolver.ToBool(b.Value),
        var other => Fail(other.Start, key, error),
    };

    private static bool? Fail(Position at, string key, Action<Position, string> error)
    {
        error(at, $"{key} must be true or false");
        return null;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex GroupName();
}
