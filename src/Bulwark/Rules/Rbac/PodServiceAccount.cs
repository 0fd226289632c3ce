using Bulwark.Loading;
using Bulwark.Model;

namespace Bulwark.Rules.Rbac;

/// <summary>
/// The ServiceAccount a pod runs as, resolved as the API server does: spec.serviceAccountName; when empty, the
/// deprecated spec.serviceAccount (defaulting copies it over); when both are empty, the admission plugin sets
/// "default". The namespace is the pod's (unset stays unset, so lookups compare unset with unset).
/// </summary>
internal sealed record PodServiceAccount(string? Namespace, string Name, string Pointer, bool Explicit)
{
    public const string Default = "default";

    public bool IsDefault => Name == Default;

    public string Describe() => Namespace is null ? $"ServiceAccount \"{Name}\"" : $"ServiceAccount \"{Namespace}/{Name}\"";

    public static PodServiceAccount Of(PodTemplate pod)
    {
        if (pod.Spec.ServiceAccountName is { Length: > 0 } name)
        {
            return new PodServiceAccount(pod.Namespace, name, pod.SpecField("serviceAccountName"), true);
        }

        if (pod.Spec.ServiceAccount is { Length: > 0 } legacy)
        {
            return new PodServiceAccount(pod.Namespace, legacy, pod.SpecField("serviceAccount"), true);
        }

        return new PodServiceAccount(pod.Namespace, Default, pod.SpecField("serviceAccountName"), false);
    }
}

/// <summary>
/// Groups pod-running objects into workloads: an object owned (metadata.ownerReferences, the controller
/// reference first) by another object of the input belongs to its owner's workload, transitively (Pod,
/// ReplicaSet, Deployment; Job, CronJob). An owner missing from the input still names the workload, so two Pods
/// of one absent ReplicaSet are one workload.
/// </summary>
internal static class Workloads
{
    public static string Key(Inventory inventory, KubeObject obj, out KubeObject top)
    {
        top = obj;
        var key = $"{obj.Kind}/{obj.Name}";
        var seen = new HashSet<KubeObject>();
        var current = obj;
        while (seen.Add(current) && Owner(current) is { } owner)
        {
            key = $"{owner.Kind}/{owner.Name}";
            var found = inventory.Find(owner.Kind, current.Namespace, owner.Name);
            if (found is null)
            {
                break;
            }

            top = found;
            current = found;
        }

        return key;
    }

    private static (string Kind, string Name)? Owner(KubeObject obj)
    {
        if (obj.Metadata?.GetSequence("ownerReferences") is not { } refs)
        {
            return null;
        }

        var mappings = refs.Items.OfType<MappingNode>().Where(r => r.GetString("kind") is { Length: > 0 } && r.GetString("name") is { Length: > 0 }).ToList();
        var chosen = mappings.FirstOrDefault(r => r.Get("controller") is ScalarNode { Kind: ScalarKind.Bool } c && ScalarResolver.ToBool(c.Value))
            ?? mappings.FirstOrDefault();
        return chosen is null ? null : (chosen.GetString("kind")!, chosen.GetString("name")!);
    }
}
