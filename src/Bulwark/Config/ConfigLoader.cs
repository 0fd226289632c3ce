using System.Globalization;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Rules;

namespace Bulwark.Config;

/// <summary>
/// Finds and reads .bulwark.yaml. Unknown keys, wrong types and unknown rule ids are errors that name the file
/// and line, because a typo in a config file silently weakening a scan is worse than a failed run.
/// </summary>
public static class ConfigLoader
{
    public const string FileName = ".bulwark.yaml";

    /// <summary>Looks for .bulwark.yaml in the folder of the first path and its parents.</summary>
    public static string? Discover(IEnumerable<string> scanPaths)
    {
        var first = scanPaths.FirstOrDefault(p => p != "-");
        var start = first is null ? Directory.GetCurrentDirectory()
            : Directory.Exists(first) ? Path.GetFullPath(first)
            : Path.GetDirectoryName(Path.GetFullPath(first));
        for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static BulwarkConfig Load(string path, RuleCatalog catalog)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read config: {ex.Message}");
        }

        return Parse(text, path, catalog);
    }

    public static BulwarkConfig Parse(string text, string path, RuleCatalog catalog)
    {
        var errors = new List<InputError>();
        var reader = new YamlDocumentReader(path, LoadLimits.Default, errors);
        var docs = reader.ReadDocuments(text).ToList();
        var fatal = errors.FirstOrDefault(e => e.Level == InputErrorLevel.Error) ?? errors.FirstOrDefault();
        if (fatal is not null)
        {
            throw new ConfigException(fatal.ToString());
        }

        var root = docs.FirstOrDefault().Root;
        if (root is null || root is ScalarNode { IsNull: true })
        {
            return BulwarkConfig.Default with { Path = path };
        }

        var map = root as MappingNode ?? throw Error(path, root, "the config must be a mapping");
        var config = BulwarkConfig.Default with { Path = path };
        foreach (var (key, value) in map.Entries)
        {
            config = key.Value switch
            {
                "rules" => config with { Rules = ReadRules(path, value, catalog) },
                "parameters" => config with { Parameters = ReadParameters(path, value) },
                "exceptions" => config with { Exceptions = ReadExceptions(path, value, catalog) },
                "allowAnnotationExceptions" => config with { AllowAnnotationExceptions = Bool(path, value) },
                "podSecurity" => config with { PodSecurity = PodSecurityConfigLoader.ReadBody(path, value) },
                "audit" => config with { Audit = Bulwark.Audit.Detection.Rules.AuditTuning.Read(path, text, value) },
                _ => throw Error(path, key, $"unknown key '{key.Value}' (expected rules, parameters, exceptions, allowAnnotationExceptions, podSecurity, audit)"),
            };
        }

        return config;
    }

    private static Dictionary<string, RuleSetting> ReadRules(string path, Node node, RuleCatalog catalog)
    {
        var result = new Dictionary<string, RuleSetting>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(path, node, "rules").Entries)
        {
            if (catalog.Find(key.Value) is null)
            {
                throw Error(path, key, $"unknown rule '{key.Value}' (see `bulwark rules`)");
            }

            bool? enabled = null;
            Severity? severity = null;
            foreach (var (field, fieldValue) in Mapping(path, value, $"rules.{key.Value}").Entries)
            {
                switch (field.Value)
                {
                    case "enabled":
                        enabled = Bool(path, fieldValue);
                        break;
                    case "severity":
                        var text = Scalar(path, fieldValue);
                        if (!SeverityNames.TryParse(text, out var parsed))
                        {
                            throw Error(path, fieldValue, $"unknown severity '{text}' (expected {SeverityNames.AllNames})");
                        }

                        severity = parsed;
                        break;
                    default:
                        throw Error(path, field, $"unknown key '{field.Value}' under rules.{key.Value} (expected enabled, severity)");
                }
            }

            result[key.Value] = new RuleSetting(enabled, severity);
        }

        return result;
    }

    private static RuleParameters ReadParameters(string path, Node node)
    {
        var p = new RuleParameters();
        foreach (var (key, value) in Mapping(path, node, "parameters").Entries)
        {
            p = key.Value switch
            {
                "minUid" => p with { MinUid = Long(path, value) },
                "allowedRegistries" => p with { AllowedRegistries = Strings(path, value) },
                "allowedCapabilities" => p with { AllowedCapabilities = Strings(path, value) },
                "sensitiveNamespaces" => p with { SensitiveNamespaces = Strings(path, value) },
                "systemNamespaces" => p with { SystemNamespaces = Strings(path, value) },
                "podSecurityNewestVersion" => p with { PodSecurityNewestVersion = NewestVersion(path, value) },
                "clusterCidrs" => p with { ClusterCidrs = ClusterCidrs(path, value) },
                _ => throw Error(path, key, $"unknown parameter '{key.Value}' (expected minUid, allowedRegistries, allowedCapabilities, sensitiveNamespaces, systemNamespaces, podSecurityNewestVersion, clusterCidrs)"),
            };
        }

        return p;
    }

    private static List<ExceptionEntry> ReadExceptions(string path, Node node, RuleCatalog catalog)
    {
        if (node is not SequenceNode seq)
        {
            throw Error(path, node, "exceptions must be a list");
        }

        var list = new List<ExceptionEntry>();
        foreach (var item in seq.Items)
        {
            var map = Mapping(path, item, "an exception");
            string? rule = null;
            var entry = new ExceptionEntry { Rule = string.Empty, Location = new Location(path, item.Start.Line, item.Start.Column) };
            foreach (var (key, value) in map.Entries)
            {
                switch (key.Value)
                {
                    case "rule":
                        rule = Scalar(path, value);
                        if (rule != "*" && catalog.Find(rule) is null)
                        {
                            throw Error(path, value, $"unknown rule '{rule}' in exception");
                        }

                        break;
                    case "object":
                        entry = entry with { Object = Scalar(path, value) };
                        break;
                    case "container":
                        entry = entry with { Container = Scalar(path, value) };
                        break;
                    case "reason":
                        entry = entry with { Reason = value is ScalarNode { IsNull: true } ? string.Empty : Scalar(path, value) };
                        break;
                    case "expires":
                        var text = Scalar(path, value);
                        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                        {
                            throw Error(path, value, $"expires must be a date like 2027-01-31, not '{text}'");
                        }

                        entry = entry with { Expires = date };
                        break;
                    default:
                        throw Error(path, key, $"unknown key '{key.Value}' in exception (expected rule, object, container, reason, expires)");
                }
            }

            list.Add(entry with { Rule = rule ?? throw Error(path, item, "an exception needs a rule (a rule id, or \"*\")") });
        }

        return list;
    }

    private static PodSecurity.PolicyVersion NewestVersion(string path, Node node)
    {
        var text = Scalar(path, node);
        if (!PodSecurity.PolicyVersion.TryParse(text, out var version) || version.IsLatest ||
            version.CompareTo(PodSecurity.PodSecurityEvaluator.NewestKnownVersion) > 0)
        {
            throw Error(path, node, $"podSecurityNewestVersion must be a version from v1.0 to {PodSecurity.PodSecurityEvaluator.NewestKnownVersion}, not '{text}'");
        }

        return version;
    }

    private static List<string> ClusterCidrs(string path, Node node)
    {
        var list = Strings(path, node);
        for (var i = 0; i < list.Count; i++)
        {
            if (!Network.Gaps.GapOptions.TryParseCidrs([list[i]], out _, out var error))
            {
                throw Error(path, ((SequenceNode)node).Items[i], $"clusterCidrs: {error}");
            }
        }

        return list;
    }

    private static MappingNode Mapping(string path, Node node, string what) =>
        node as MappingNode ?? throw Error(path, node, $"{what} must be a mapping");

    private static string Scalar(string path, Node node) =>
        node is ScalarNode { IsNull: false } s ? s.Value : throw Error(path, node, "expected a value here");

    private static bool Bool(string path, Node node) =>
        node is ScalarNode { Kind: ScalarKind.Bool } s ? ScalarResolver.ToBool(s.Value) : throw Error(path, node, "expected true or false");

    private static long Long(string path, Node node) =>
        node is ScalarNode { Kind: ScalarKind.Int } s && ScalarResolver.TryParseInt(s.Value, out var v) ? v : throw Error(path, node, "expected an integer");

    private static List<string> Strings(string path, Node node) =>
        node is SequenceNode seq ? seq.Items.Select(i => Scalar(path, i)).ToList() : throw Error(path, node, "expected a list");

    private static ConfigException Error(string path, Node node, string message) => Error(path, node.Start, message);

    private static ConfigException Error(string path, MappingKey key, string message) => Error(path, key.Start, message);

    private static ConfigException Error(string path, Position at, string message) =>
        new($"{path}:{at.Line}:{at.Column}: {message}");
}
