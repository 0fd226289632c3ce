using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

/// <summary>
/// JSON-patch operations that set a securityContext field, creating the securityContext object when it is absent
/// (an "add" on an existing member replaces it, so the same operation serves both cases).
/// </summary>
internal static class SecurityContextPatch
{
    /// <summary>Sets <c>securityContext.&lt;field&gt;</c> of a container.</summary>
    public static PatchOperation SetOnContainer(ContainerView container, string field, object value) =>
        container.SecurityContext is null
            ? new PatchOperation("add", container.SecurityContextPointer(), new Dictionary<string, object> { [field] = value })
            : new PatchOperation("add", container.SecurityContextPointer(field), value);

    /// <summary>Sets <c>spec.securityContext.&lt;field&gt;</c> of a pod.</summary>
    public static PatchOperation SetOnPod(PodTemplate pod, string field, object value) =>
        pod.PodSecurityContext is null
            ? new PatchOperation("add", pod.PodSecurityContextPointer(), new Dictionary<string, object> { [field] = value })
            : new PatchOperation("add", pod.PodSecurityContextPointer(field), value);

    /// <summary>Sets a field where an inherited setting was found: the pod when it came from there, else the container.</summary>
    public static PatchOperation SetEffective<T>(PodTemplate pod, ContainerView container, Effective<T> effective, string field, object value) =>
        effective.FromPod ? SetOnPod(pod, field, value) : SetOnContainer(container, field, value);
}
