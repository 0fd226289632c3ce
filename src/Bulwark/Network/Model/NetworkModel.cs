using Bulwark.Model;
using Bulwark.Network.AdminPolicies;
using Bulwark.Network.Policies;

namespace Bulwark.Network.Model;

/// <summary>
/// What NetworkPolicy analysis knows about a cluster, read from manifests: namespaces with their labels, workloads
/// (each standing for its pods), Services, valid NetworkPolicies after defaulting, other policy kinds (recognised,
/// evaluated only by the tiers that handle them), and the problems met while reading.
/// </summary>
public sealed class NetworkModel
{
    private readonly Dictionary<string, List<Workload>> _byNamespace;

    internal NetworkModel(IReadOnlyDictionary<string, NetworkNamespace> namespaces, IReadOnlyList<Workload> workloads,
        IReadOnlyList<NetworkService> services, IReadOnlyList<NetworkPolicyV1> policies, IReadOnlyList<OtherPolicyObject> otherPolicies,
        IReadOnlyList<NetworkProblem> problems)
    {
        Namespaces = namespaces;
        Workloads = workloads;
        Services = services;
        Policies = policies;
        OtherPolicies = otherPolicies;
        Problems = problems;
        _byNamespace = workloads.GroupBy(w => w.Namespace, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>Every namespace, by name: Namespace objects and namespaces only named by other objects (with the automatic label only).</summary>
    public IReadOnlyDictionary<string, NetworkNamespace> Namespaces { get; }

    /// <summary>Workloads in a stable order (namespace, name, kind).</summary>
    public IReadOnlyList<Workload> Workloads { get; }

    public IReadOnlyList<NetworkService> Services { get; }

    /// <summary>The valid NetworkPolicies (invalid ones are in <see cref="Problems"/> and skipped).</summary>
    public IReadOnlyList<NetworkPolicyV1> Policies { get; }

    /// <summary>
    /// The valid admin-tier policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) in input
    /// order; invalid ones are in <see cref="Problems"/> and skipped. They are also listed in <see cref="OtherPolicies"/>.
    /// </summary>
    public IReadOnlyList<AdminPolicy> AdminPolicies { get; init; } = [];

    /// <summary>Admin-tier, CNI-specific and other recognised policy objects.</summary>
    public IReadOnlyList<OtherPolicyObject> OtherPolicies { get; }

    /// <summary>Errors (invalid policies, skipped) and warnings met while reading.</summary>
    public IReadOnlyList<NetworkProblem> Problems { get; }

    public static NetworkModel Build(Inventory inventory) => NetworkModelBuilder.Build(inventory);

    public static NetworkModel Build(IReadOnlyList<KubeObject> objects) => NetworkModelBuilder.Build(new Inventory(objects));

    public NetworkNamespace Namespace(string name) => Namespaces[name];

    public IReadOnlyList<Workload> WorkloadsIn(string @namespace) =>
        _byNamespace.TryGetValue(@namespace, out var list) ? list : [];

    /// <summary>The policies that select a workload (same namespace, podSelector matches), whatever their types.</summary>
    public IEnumerable<NetworkPolicyV1> PoliciesSelecting(Workload workload) =>
        Policies.Where(p => p.Namespace == workload.Namespace && p.PodSelector.Matches(workload.Labels));

    /// <summary>
    /// Finds a workload from <c>ns/kind/name</c>, <c>ns/name</c>, <c>kind/name</c> or <c>name</c> (kind case-insensitive;
    /// a shorter form must be unambiguous). Null with a one-line reason when none or several match.
    /// </summary>
    public Workload? FindWorkload(string text, out string? error)
    {
        error = null;
        var parts = text.Split('/');
        IEnumerable<Workload> candidates = parts.Length switch
        {
            3 => Workloads.Where(w => w.Namespace == parts[0] && string.Equals(w.Kind, parts[1], StringComparison.OrdinalIgnoreCase) && w.Name == parts[2]),
            2 => Workloads.Where(w => (w.Namespace == parts[0] && w.Name == parts[1]) ||
                (string.Equals(w.Kind, parts[0], StringComparison.OrdinalIgnoreCase) && w.Name == parts[1])),
            1 => Workloads.Where(w => w.Name == parts[0]),
            _ => [],
        };
        var found = candidates.ToList();
        if (found.Count == 1)
        {
            return found[0];
        }

        error = found.Count == 0
            ? $"no workload \"{text}\" in the input (write NAMESPACE/KIND/NAME, NAMESPACE/NAME or NAME)"
            : $"\"{text}\" is ambiguous: {string.Join(", ", found.Select(w => w.Ref.ToString()))}";
        return null;
    }
}
