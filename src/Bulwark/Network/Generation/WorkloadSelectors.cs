using Bulwark.Network.Model;

namespace Bulwark.Network.Generation;

/// <summary>
/// The labels a generated policy selects a workload's pods by: the workload's identifying labels
/// (<c>app.kubernetes.io/name</c>, <c>app.kubernetes.io/instance</c>, <c>app.kubernetes.io/component</c>, <c>app</c>,
/// <c>component</c>, <c>k8s-app</c>, <c>name</c>) when they single it out in its namespace, otherwise every label of its pod
/// template except the ones controllers add (<c>pod-template-hash</c>, ...). Workloads that even all their labels cannot
/// tell apart from another workload of the namespace are <see cref="Ambiguous"/>: a policy for one also selects the other.
/// </summary>
public sealed class WorkloadSelectors
{
    private static readonly string[] Identifying =
    [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app", "component", "k8s-app", "name",
    ];

    private static readonly HashSet<string> ControllerLabels = new(StringComparer.Ordinal)
    {
        "pod-template-hash", "controller-revision-hash", "pod-template-generation", "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index", "controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name",
    };

    private readonly NetworkModel _model;
    private readonly Dictionary<Workload, IReadOnlyDictionary<string, string>> _cache = new();

    public WorkloadSelectors(NetworkModel model) => _model = model;

    /// <summary>The matchLabels selecting the workload (empty when it has no label: then it selects every pod of the namespace).</summary>
    public IReadOnlyDictionary<string, string> For(Workload workload)
    {
        if (_cache.TryGetValue(workload, out var cached))
        {
            return cached;
        }

        var stable = workload.Labels.Where(kv => !ControllerLabels.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var identifying = stable.Where(kv => Identifying.Contains(kv.Key, StringComparer.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        // The identifying labels are a subset of all labels, so they select at least as much: keep them when they select no more.
        IReadOnlyDictionary<string, string> chosen = identifying.Count > 0 &&
            Selected(workload.Namespace, identifying).Count() == Selected(workload.Namespace, stable).Count() ? identifying : stable;
        _cache[workload] = chosen;
        return chosen;
    }

    /// <summary>The other workloads of the namespace that the workload's selector also selects.</summary>
    public IReadOnlyList<Workload> Ambiguous(Workload workload) =>
        Selected(workload.Namespace, For(workload)).Where(w => w != workload).ToList();

    /// <summary>The workloads of a namespace whose labels match.</summary>
    public IEnumerable<Workload> Selected(string @namespace, IReadOnlyDictionary<string, string> labels) =>
        _model.WorkloadsIn(@namespace).Where(w => labels.All(kv => w.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value));

    private static bool SameLabels(Workload a, Workload b) =>
        a.Labels.Count == b.Labels.Count && a.Labels.All(kv => b.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
