using k8s.Models;

namespace Bulwark.Model;

public enum ContainerKind
{
    Container,
    InitContainer,
    EphemeralContainer,
}

/// <summary>
/// One container of a pod template, whichever list it sits in. Init and ephemeral containers are checked like
/// containers; the view carries the fields the three types share and the JSON pointer of the container.
/// </summary>
public sealed class ContainerView
{
    public required string Name { get; init; }

    public required ContainerKind Kind { get; init; }

    public required int Index { get; init; }

    /// <summary>JSON pointer of the container, relative to the object.</summary>
    public required string Pointer { get; init; }

    public string? Image { get; init; }

    public V1SecurityContext? SecurityContext { get; init; }

    public IList<V1ContainerPort>? Ports { get; init; }

    public IList<V1EnvVar>? Env { get; init; }

    public IList<V1VolumeMount>? VolumeMounts { get; init; }

    public IList<string>? Command { get; init; }

    public IList<string>? Args { get; init; }

    public V1Probe? LivenessProbe { get; init; }

    public V1Probe? ReadinessProbe { get; init; }

    public V1Probe? StartupProbe { get; init; }

    public V1Lifecycle? Lifecycle { get; init; }

    /// <summary>"container", "init container" or "ephemeral container", for messages.</summary>
    public string Describe() => Kind switch
    {
        ContainerKind.InitContainer => $"init container \"{Name}\"",
        ContainerKind.EphemeralContainer => $"ephemeral container \"{Name}\"",
        _ => $"container \"{Name}\"",
    };

    /// <summary>Pointer of a field under the container's securityContext.</summary>
    public string SecurityContextPointer(string field = "") =>
        Pointer + "/securityContext" + (field.Length == 0 ? string.Empty : "/" + field);
}
