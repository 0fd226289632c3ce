using System.Text.RegularExpressions;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;

namespace Bulwark.Config;

/// <summary>
/// Reads Pod Security Admission configuration: the <c>podSecurity:</c> key of .bulwark.yaml (the body of a
/// PodSecurityConfiguration: defaults, exemptions) and admission configuration files given with
/// <c>--admission-config</c> (a PodSecurityConfiguration, or an AdmissionConfiguration whose PodSecurity plugin embeds
/// one). Validation follows the API server's: levels and versions must parse, namespaces must be valid namespace
/// names, runtime classes valid DNS subdomains, usernames non-empty, and no list may repeat a value. Errors are
/// <see cref="ConfigException"/>s naming file:line:col.
/// </summary>
public static partial class PodSecurityConfigLoader
{
    public const string Group = "pod-security.admission.config.k8s.io";

    public static readonly IReadOnlyList<string> ApiVersions = [Group + "/v1", Group + "/v1beta1", Group + "/v1alpha1"];

    public static readonly IReadOnlyList<string> AdmissionApiVersions = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1"];

    /// <summary>Reads an admission configuration file (PodSecurityConfiguration or AdmissionConfiguration).</summary>
    public static PodSecurityConfiguration Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read admission configuration: {ex.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses the text of an admission configuration file.</summary>
    public static PodSecurityConfiguration Parse(string text, string path)
    {
        var errors = new List<InputError>();
        var docs = new YamlDocumentReader(path, LoadLimits.Default, errors).ReadDocuments(text).ToList();
        var fatal = errors.FirstOrDefault(e => e.Level == InputErrorLevel.Error) ?? errors.FirstOrDefault();
        if (fatal is not null)
        {
            throw new ConfigException(fatal.ToString());
        }

        var root = docs.Select(d => d.Root).FirstOrDefault(r => r is not null && r is not ScalarNode { IsNull: true });
        if (root is not MappingNode map)
        {
            throw Error(path, root?.Start ?? new Position(1, 1),
                "expected a PodSecurityConfiguration or an AdmissionConfiguration (a mapping with apiVersion and kind)");
        }

        var kind = map.GetString("kind");
        var apiVersion = map.GetString("apiVersion");
        if (kind == "AdmissionConfiguration")
        {
            if (!AdmissionApiVersions.Contains(apiVersion))
            {
                throw Error(path, (map.Get("apiVersion") ?? map).Start,
                    $"AdmissionConfiguration apiVersion must be {string.Join(" or ", AdmissionApiVersions)}, not '{apiVersion}'");
            }

            return FromAdmissionConfiguration(path, map);
        }

        return ReadTyped(path, map, path);
    }

    /// <summary>Reads the <c>podSecurity:</c> key of .bulwark.yaml: defaults and exemptions (apiVersion and kind optional).</summary>
    public static PodSecurityConfiguration ReadBody(string path, Node node)
    {
        var map = node as MappingNode ?? throw Error(path, node.Start, "podSecurity must be a mapping (defaults, exemptions)");
        if (map.Get("kind") is not null || map.Get("apiVersion") is not null)
        {
            return ReadTyped(path, map, path + "#podSecurity");
        }

        return ReadFields(path, map, path + "#podSecurity", allowTypeKeys: false);
    }

    private static PodSecurityConfiguration FromAdmissionConfiguration(string path, MappingNode map)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (key.Value is not ("apiVersion" or "kind" or "plugins"))
            {
                throw Error(path, key.Start, $"unknown key '{key.Value}' in AdmissionConfiguration (expected apiVersion, kind, plugins)");
            }
        }

        var plugins = map.Get("plugins") is { } p
            ? p as SequenceNode ?? throw Error(path, p.Start, "plugins must be a list")
            : throw Error(path, map.Start, "AdmissionConfiguration has no plugins");
        foreach (var item in plugins.Items)
        {
            var plugin = item as MappingNode ?? throw Error(path, item.Start, "a plugin must be a mapping (name, configuration or path)");
            if (plugin.GetString("name") != "PodSecurity")
            {
                continue;
            }

            if (plugin.Get("configuration") is { } configuration)
            {
                return configuration is MappingNode body
                    ? ReadTyped(path, body, path)
                    : throw Error(path, configuration.Start, "the PodSecurity plugin's configuration must be a mapping");
            }

            var at = plugin.Get("path") ?? (Node)plugin;
            throw Error(path, at.Start, plugin.Get("path") is null
                ? "the PodSecurity plugin has no configuration"
                : $"the PodSecurity plugin reads its configuration from '{plugin.GetString("path")}': pass that file to --admission-config");
        }

        throw Error(path, plugins.Start, "AdmissionConfiguration has no plugin named PodSecurity");
    }

    private static PodSecurityConfiguration ReadTyped(string path, MappingNode map, string source)
    {
        var apiVersion = map.GetString("apiVersion");
        if (map.GetString("kind") != "PodSecurityConfiguration")
        {
            throw Error(path, (map.Get("kind") ?? map).Start, $"kind must be PodSecurityConfiguration (or AdmissionConfiguration), not '{map.GetString("kind")}'");
        }

        if (!ApiVersions.Contains(apiVersion))
        {
            throw Error(path, (map.Get("apiVersion") ?? map).Start,
                $"PodSecurityConfiguration apiVersion must be one of {string.Join(", ", ApiVersions)}, not '{apiVersion}'");
        }

        return ReadFields(path, map, source, allowTypeKeys: true);
    }

    private static PodSecurityConfiguration ReadFields(string path, MappingNode map, string source, bool allowTypeKeys)
    {
        var config = PodSecurityConfiguration.Default with { Source = source };
        foreach (var (key, value) in map.Entries)
        {
            config = key.Value switch
            {
                "defaults" => config with { Defaults = ReadDefaults(path, value) },
                "exemptions" => config with { Exemptions = ReadExemptions(path, value) },
                "apiVersion" or "kind" when allowTypeKeys => config,
                _ => throw Error(path, key.Start, $"unknown key '{key.Value}' in PodSecurityConfiguration (expected defaults, exemptions)"),
            };
        }

        return config;
    }

    private static PodSecurityDefaults ReadDefaults(string path, Node node)
    {
        if (node is ScalarNode { IsNull: true })
        {
            return PodSecurityDefaults.Privileged;
        }

        var map = node as MappingNode ?? throw Error(path, node.Start, "defaults must be a mapping");
        var defaults = PodSecurityDefaults.Privileged;
        foreach (var (key, value) in map.Entries)
        {
            var text = OptionalScalar(path, value);
            defaults = key.Value switch
            {
                "enforce" => defaults with { Enforce = defaults.Enforce with { Level = Level(path, value, text, key.Value) } },
                "enforce-version" => defaults with { Enforce = defaults.Enforce with { Version = Version(path, value, text, key.Value) } },
                "audit" => defaults with { Audit = defaults.Audit with { Level = Level(path, value, text, key.Value) } },
                "audit-version" => defaults with { Audit = defaults.Audit with { Version = Version(path, value, text, key.Value) } },
                "warn" => defaults with { Warn = defaults.Warn with { Level = Level(path, value, text, key.Value) } },
                "warn-version" => defaults with { Warn = defaults.Warn with { Version = Version(path, value, text, key.Value) } },
                _ => throw Error(path, key.Start,
                    $"unknown key '{key.Value}' in defaults (expected enforce, enforce-version, audit, audit-version, warn, warn-version)"),
            };
        }

        return defaults;
    }

    private static PodSecurityExemptions ReadExemptions(string path, Node node)
    {
        if (node is ScalarNode { IsNull: true })
        {
            return PodSecurityExemptions.None;
        }

        var map = node as MappingNode ?? throw Error(path, node.Start, "exemptions must be a mapping");
        var exemptions = PodSecurityExemptions.None;
        foreach (var (key, value) in map.Entries)
        {
            exemptions = key.Value switch
            {
                "usernames" => exemptions with
                {
                    Usernames = Names(path, value, "exemptions.usernames", n => n.Length == 0 ? "username must not be empty" : null),
                },
                "runtimeClasses" => exemptions with
                {
                    RuntimeClasses = Names(path, value, "exemptions.runtimeClasses",
                        n => IsDnsSubdomain(n) ? null : "must be a valid DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)"),
                },
                "namespaces" => exemptions with
                {
                    Namespaces = Names(path, value, "exemptions.namespaces",
                        n => IsDnsLabel(n) ? null : "must be a valid namespace name (lower-case letters, digits and '-', at most 63 characters)"),
                },
                _ => throw Error(path, key.Start, $"unknown key '{key.Value}' in exemptions (expected usernames, runtimeClasses, namespaces)"),
            };
        }

        return exemptions;
    }

    private static List<string> Names(string path, Node node, string what, Func<string, string?> validate)
    {
        if (node is ScalarNode { IsNull: true })
        {
            return [];
        }

        var seq = node as SequenceNode ?? throw Error(path, node.Start, $"{what} must be a list");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var item in seq.Items)
        {
            var name = item is ScalarNode s ? (s.IsNull ? string.Empty : s.Value) : throw Error(path, item.Start, $"{what}: expected a name here");
            if (validate(name) is { } problem)
            {
                throw Error(path, item.Start, $"{what}: invalid value \"{name}\": {problem}");
            }

            if (!seen.Add(name))
            {
                throw Error(path, item.Start, $"{what}: duplicate value \"{name}\"");
            }

            list.Add(name);
        }

        return list;
    }

    private static string OptionalScalar(string path, Node node) =>
        node is ScalarNode s ? (s.IsNull ? string.Empty : s.Value) : throw Error(path, node.Start, "expected a value here");

    private static PodSecurityLevel Level(string path, Node node, string text, string key)
    {
        if (text.Length == 0)
        {
            return PodSecurityLevel.Privileged; // the API server defaults an empty level to privileged
        }

        return PodSecurityLevels.TryParse(text, out var level)
            ? level
            : throw Error(path, node.Start, $"defaults.{key}: invalid value \"{text}\": {NamespacePolicy.LevelMessage}");
    }

    private static PolicyVersion Version(string path, Node node, string text, string key)
    {
        if (text.Length == 0)
        {
            return PolicyVersion.Latest; // the API server defaults an empty version to latest
        }

        return PolicyVersion.TryParse(text, out var version)
            ? version
            : throw Error(path, node.Start, $"defaults.{key}: invalid value \"{text}\": {NamespacePolicy.VersionMessage}");
    }

    private static bool IsDnsLabel(string name) => name.Length is > 0 and <= 63 && DnsLabel().IsMatch(name);

    private static bool IsDnsSubdomain(string name) => name.Length is > 0 and <= 253 && DnsSubdomain().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    private static ConfigException Error(string path, Position at, string message) => new($"{path}:{at.Line}:{at.Column}: {message}");
}
