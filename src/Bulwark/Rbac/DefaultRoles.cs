using Bulwark.Loading;
using Bulwark.Model;

namespace Bulwark.Rbac;

/// <summary>
/// Kubernetes' default ClusterRoles (cluster-admin, admin, edit, view, system:*), as a current API server creates
/// them, read once from the embedded copy of the project's reference data (Rbac/Data/default-clusterroles.yaml).
/// </summary>
public static class DefaultRoles
{
    private const string ResourceName = "Bulwark.Rbac.default-clusterroles.yaml";

    private static readonly Lazy<IReadOnlyList<KubeObject>> Objects = new(Load);

    /// <summary>The default ClusterRole objects (aggregated ones as shipped: admin, edit and view with rules: null).</summary>
    public static IReadOnlyList<KubeObject> ClusterRoles => Objects.Value;

    private static List<KubeObject> Load()
    {
        using var stream = typeof(DefaultRoles).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var load = new ManifestLoader().LoadText(reader.ReadToEnd(), "<default cluster roles>");
        return load.Objects.Where(o => o.Kind == RoleKey.ClusterRoleKind).ToList();
    }
}
