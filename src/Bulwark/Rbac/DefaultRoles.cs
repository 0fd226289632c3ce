using System.Collections.Concurrent;
using System.Globalization;
using Bulwark.Loading;
using Bulwark.Model;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bulwark.Rbac;

/// <summary>
/// Kubernetes' default ClusterRoles (cluster-admin, admin, edit, view, system:*) per minor version. The embedded
/// Rbac/Data/default-clusterroles.yaml is the newest version; older versions undo the documented deltas of
/// Rbac/Data/default-clusterroles-deltas.yaml, newest first.
/// </summary>
public static class DefaultRoles
{
    private const string ResourceName = "Bulwark.Rbac.default-clusterroles.yaml";
    private const string DeltasResourceName = "Bulwark.Rbac.default-clusterroles-deltas.yaml";

    private static readonly Lazy<IReadOnlyList<KubeObject>> Newest = new(() => Load(ReadResource(ResourceName), "<default cluster roles>"));
    private static readonly Lazy<DeltaFile> DeltaData = new(LoadDeltas);
    private static readonly ConcurrentDictionary<KubernetesVersion, IReadOnlyList<KubeObject>> ByVersion = new();

    /// <summary>The default ClusterRole objects of the newest version (aggregated ones as shipped: admin, edit and view with rules: null).</summary>
    public static IReadOnlyList<KubeObject> ClusterRoles => Newest.Value;

    /// <summary>The oldest minor version whose differences are encoded.</summary>
    public static KubernetesVersion OldestVersion => KubernetesVersion.Parse(DeltaData.Value.Oldest);

    /// <summary>The encoded deltas, newest version first.</summary>
    public static IReadOnlyList<RoleDelta> Deltas => DeltaData.Value.Parsed;

    /// <summary>
    /// The default ClusterRoles of a minor version (null: the newest). A version at or above the newest delta is the
    /// embedded newest data; one below <see cref="OldestVersion"/> is refused.
    /// </summary>
    public static IReadOnlyList<KubeObject> ClusterRolesFor(KubernetesVersion? version)
    {
        if (version is not { } v || !Deltas.Any(d => d.Version.CompareTo(v) > 0))
        {
            return ClusterRoles;
        }

        if (v.CompareTo(OldestVersion) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), $"Kubernetes {v} is older than {OldestVersion}, the oldest version whose default roles Bulwark knows");
        }

        return ByVersion.GetOrAdd(v, Build);
    }

    private static List<KubeObject> Build(KubernetesVersion version)
    {
        var roles = ClusterRoles.Select(o => Inventory.Typed<V1ClusterRole>(o)!).Select(Copy).ToDictionary(r => r.Metadata.Name, StringComparer.Ordinal);
        foreach (var delta in Deltas.Where(d => d.Version.CompareTo(version) > 0))
        {
            var role = roles[delta.Role];
            foreach (var added in delta.Added)
            {
                var index = role.Rules.ToList().FindIndex(r => Same(r, added));
                if (index < 0)
                {
                    throw new InvalidOperationException($"default role delta {delta.Version} {delta.Role}: an added rule is not in the newer role");
                }

                role.Rules.RemoveAt(index);
            }

            foreach (var removed in delta.Removed)
            {
                role.Rules.Add(removed);
            }
        }

        var text = string.Join("\n---\n", roles.Values.Select(r => KubernetesYaml.Serialize(r)));
        return Load(text, $"<default cluster roles {version}>");
    }

    private static V1ClusterRole Copy(V1ClusterRole role) => KubernetesYaml.Deserialize<V1ClusterRole>(KubernetesYaml.Serialize(role));

    private static bool Same(V1PolicyRule a, V1PolicyRule b) =>
        Seq(a.ApiGroups).SequenceEqual(Seq(b.ApiGroups)) && Seq(a.Resources).SequenceEqual(Seq(b.Resources)) &&
        Seq(a.Verbs).SequenceEqual(Seq(b.Verbs)) && Seq(a.ResourceNames).SequenceEqual(Seq(b.ResourceNames)) &&
        Seq(a.NonResourceURLs).SequenceEqual(Seq(b.NonResourceURLs));

    private static IEnumerable<string> Seq(IList<string>? list) => list ?? [];

    private static string ReadResource(string name)
    {
        using var stream = typeof(DefaultRoles).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static List<KubeObject> Load(string text, string name)
    {
        var load = new ManifestLoader().LoadText(text, name);
        return load.Objects.Where(o => o.Kind == RoleKey.ClusterRoleKind).ToList();
    }

    private static DeltaFile LoadDeltas()
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        var file = deserializer.Deserialize<DeltaFile>(ReadResource(DeltasResourceName));
        file.Parsed = file.Deltas
            .Select(d => new RoleDelta(KubernetesVersion.Parse(d.Version), d.Role, d.Source,
                d.Added.Select(r => r.ToPolicyRule()).ToList(), d.Removed.Select(r => r.ToPolicyRule()).ToList()))
            .OrderByDescending(d => d.Version)
            .ToList();
        return file;
    }

    private sealed class DeltaFile
    {
        public string Oldest { get; set; } = string.Empty;

        public List<DeltaEntry> Deltas { get; set; } = [];

        [YamlIgnore]
        public List<RoleDelta> Parsed { get; set; } = [];
    }

    private sealed class DeltaEntry
    {
        public string Version { get; set; } = string.Empty;

        public string Role { get; set; } = string.Empty;

        public string Source { get; set; } = string.Empty;

        public List<DeltaRule> Added { get; set; } = [];

        public List<DeltaRule> Removed { get; set; } = [];
    }

    private sealed class DeltaRule
    {
        public List<string> ApiGroups { get; set; } = [];

        public List<string> Resources { get; set; } = [];

        public List<string> Verbs { get; set; } = [];

        public V1PolicyRule ToPolicyRule() => new() { Verbs = Verbs, ApiGroups = ApiGroups, Resources = Resources };
    }
}

/// <summary>One documented change of a default role at a minor version (see Rbac/Data/default-clusterroles-deltas.yaml).</summary>
public sealed record RoleDelta(KubernetesVersion Version, string Role, string Source, IReadOnlyList<V1PolicyRule> Added, IReadOnlyList<V1PolicyRule> Removed);

/// <summary>A Kubernetes minor version (major.minor; a patch number or a leading v is accepted and ignored).</summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    public static bool TryParse(string? text, out KubernetesVersion version)
    {
        version = default;
        var parts = (text ?? string.Empty).Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }

        version = new KubernetesVersion(major, minor);
        return true;
    }

    public static KubernetesVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a Kubernetes version (MAJOR.MINOR)");

    public int CompareTo(KubernetesVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";
}
