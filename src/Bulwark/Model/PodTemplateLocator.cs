using k8s.Models;

namespace Bulwark.Model;

/// <summary>
/// Finds the pod an object runs: Pod, PodTemplate, CronJob, the built-in controllers, and any object shaped
/// <c>spec.template.spec.containers</c> (Argo Rollouts, OpenKruise, Knative-style CRDs).
/// </summary>
public static class PodTemplateLocator
{
    /// <summary>The (spec, metadata) pointers of the object's pod, or null when it runs none.</summary>
    public static (string Spec, string Metadata)? Locate(KubeObject obj)
    {
        switch (obj.Kind)
        {
            case "Pod" when obj.Group.Length == 0:
                return obj.Root.GetMapping("spec") is not null ? ("/spec", "/metadata") : null;
            case "PodTemplate" when obj.Group.Length == 0:
                return HasPodSpec(obj.Root, "/template/spec") ? ("/template/spec", "/template/metadata") : null;
            case "CronJob" when obj.Group == "batch":
                return HasPodSpec(obj.Root, "/spec/jobTemplate/spec/template/spec")
                    ? ("/spec/jobTemplate/spec/template/spec", "/spec/jobTemplate/spec/template/metadata")
                    : null;
        }

        // Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController and any CRD of that shape.
        return HasPodSpec(obj.Root, "/spec/template/spec") ? ("/spec/template/spec", "/spec/template/metadata") : null;
    }

    private static bool HasPodSpec(MappingNode root, string specPointer) =>
        root.At(specPointer) is MappingNode spec && spec.Get("containers") is SequenceNode;

    /// <summary>
    /// Converts the located pod spec to the typed model. Returns null with an error message (and the pointer of
    /// the offending field) when a field has the wrong type.
    /// </summary>
    public static PodTemplate? Build(KubeObject obj, out string? errorPointer, out string? errorMessage)
    {
        errorPointer = null;
        errorMessage = null;
        if (Locate(obj) is not { } where)
        {
            return null;
        }

        var specNode = obj.Root.At(where.Spec)!;
        if (!TypedConverter.TryConvert<V1PodSpec>(specNode, out var spec, out var badPointer, out var message))
        {
            errorPointer = where.Spec + badPointer;
            errorMessage = message;
            return null;
        }

        V1ObjectMeta? metadata = null;
        if (obj.Root.At(where.Metadata) is MappingNode metaNode &&
            !TypedConverter.TryConvert(metaNode, out metadata, out badPointer, out message))
        {
            errorPointer = where.Metadata + badPointer;
            errorMessage = message;
            return null;
        }

        return new PodTemplate(obj, where.Spec, where.Metadata, spec!, metadata);
    }
}
