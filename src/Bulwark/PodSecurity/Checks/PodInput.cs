using k8s.Models;

namespace Bulwark.PodSecurity.Checks;

/// <summary>A container as the checks see it: ordinary, init and ephemeral containers alike.</summary>
internal sealed record PodContainer(
    string Name,
    V1SecurityContext? SecurityContext,
    IList<V1ContainerPort>? Ports,
    V1Probe? LivenessProbe,
    V1Probe? ReadinessProbe,
    V1Probe? StartupProbe,
    V1Lifecycle? Lifecycle);

/// <summary>The pod under evaluation: its (already defaulted) spec, annotations and containers in upstream's visiting order.</summary>
internal sealed class PodInput
{
    public PodInput(V1ObjectMeta? metadata, V1PodSpec spec)
    {
        Spec = spec;
        Annotations = metadata?.Annotations ?? new Dictionary<string, string>();
        var containers = new List<PodContainer>();
        foreach (var c in spec.InitContainers ?? [])
        {
            containers.Add(new(c.Name ?? string.Empty, c.SecurityContext, c.Ports, c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, c.Lifecycle));
        }

        foreach (var c in spec.Containers ?? [])
        {
            containers.Add(new(c.Name ?? string.Empty, c.SecurityContext, c.Ports, c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, c.Lifecycle));
        }

        foreach (var c in spec.EphemeralContainers ?? [])
        {
            containers.Add(new(c.Name ?? string.Empty, c.SecurityContext, c.Ports, c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, c.Lifecycle));
        }

        Containers = containers;
    }

    public V1PodSpec Spec { get; }

    public IDictionary<string, string> Annotations { get; }

    /// <summary>Init containers, then containers, then ephemeral containers, each in list order.</summary>
    public IReadOnlyList<PodContainer> Containers { get; }

    public V1PodSecurityContext? PodSecurityContext => Spec.SecurityContext;

    /// <summary><c>spec.os.name</c> is exactly <c>windows</c>.</summary>
    public bool IsWindows => string.Equals(Spec.Os?.Name, "windows", StringComparison.Ordinal);

    /// <summary><c>spec.hostUsers</c> is explicitly false (the pod runs in a user namespace).</summary>
    public bool HostUsersFalse => Spec.HostUsers == false;
}
