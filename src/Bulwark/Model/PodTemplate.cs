using k8s.Models;

namespace Bulwark.Model;

/// <summary>
/// The pod an object runs (a Pod's own spec, or the template of a Deployment, CronJob, Argo Rollout, ...),
/// typed with the client's V1PodSpec, with the JSON pointers needed to point findings at fields.
/// </summary>
public sealed class PodTemplate
{
    private IReadOnlyList<ContainerView>? _containers;

    public PodTemplate(KubeObject owner, string specPointer, string metadataPointer, V1PodSpec spec, V1ObjectMeta? metadata)
    {
        Owner = owner;
        SpecPointer = specPointer;
        MetadataPointer = metadataPointer;
        Spec = spec;
        Metadata = metadata;
    }

    public KubeObject Owner { get; }

    /// <summary>Pointer of the pod spec within the object: "/spec", "/spec/template/spec", "/spec/jobTemplate/spec/template/spec", ...</summary>
    public string SpecPointer { get; }

    /// <summary>Pointer of the pod's metadata: "/metadata" for a Pod, the template's metadata otherwise.</summary>
    public string MetadataPointer { get; }

    public V1PodSpec Spec { get; }

    /// <summary>The pod's own metadata (labels and annotations of the pods it creates).</summary>
    public V1ObjectMeta? Metadata { get; }

    public V1PodSecurityContext? PodSecurityContext => Spec.SecurityContext;

    /// <summary>Namespace of the pods: the owner's.</summary>
    public string? Namespace => Owner.Namespace;

    public bool IsWindows => string.Equals(Spec.Os?.Name, "windows", StringComparison.Ordinal);

    /// <summary>Containers, init containers and ephemeral containers, in that order.</summary>
    public IReadOnlyList<ContainerView> Containers => _containers ??= BuildContainers();

    public string SpecField(string field) => SpecPointer + "/" + field;

    public string PodSecurityContextPointer(string field = "") =>
        SpecPointer + "/securityContext" + (field.Length == 0 ? string.Empty : "/" + field);

    /// <summary>The pod's annotations (template annotations for controllers; a Pod's own for a Pod).</summary>
    public IDictionary<string, string> Annotations => Metadata?.Annotations ?? EmptyAnnotations;

    private static readonly Dictionary<string, string> EmptyAnnotations = new();

    private List<ContainerView> BuildContainers()
    {
        var list = new List<ContainerView>();
        var i = 0;
        foreach (var c in Spec.Containers ?? [])
        {
            list.Add(View(c, ContainerKind.Container, i, SpecField("containers") + "/" + i));
            i++;
        }

        i = 0;
        foreach (var c in Spec.InitContainers ?? [])
        {
            list.Add(View(c, ContainerKind.InitContainer, i, SpecField("initContainers") + "/" + i));
            i++;
        }

        i = 0;
        foreach (var c in Spec.EphemeralContainers ?? [])
        {
            list.Add(new ContainerView
            {
                Name = c.Name ?? string.Empty,
                Kind = ContainerKind.EphemeralContainer,
                Index = i,
                Pointer = SpecField("ephemeralContainers") + "/" + i,
                Image = c.Image,
                SecurityContext = c.SecurityContext,
                Ports = c.Ports,
                Env = c.Env,
                VolumeMounts = c.VolumeMounts,
                Command = c.Command,
                Args = c.Args,
                LivenessProbe = c.LivenessProbe,
                ReadinessProbe = c.ReadinessProbe,
                StartupProbe = c.StartupProbe,
                Lifecycle = c.Lifecycle,
            });
            i++;
        }

        return list;
    }

    private static ContainerView View(V1Container c, ContainerKind kind, int index, string pointer) => new()
    {
        Name = c.Name ?? string.Empty,
        Kind = kind,
        Index = index,
        Pointer = pointer,
        Image = c.Image,
        SecurityContext = c.SecurityContext,
        Ports = c.Ports,
        Env = c.Env,
        VolumeMounts = c.VolumeMounts,
        Command = c.Command,
        Args = c.Args,
        LivenessProbe = c.LivenessProbe,
        ReadinessProbe = c.ReadinessProbe,
        StartupProbe = c.StartupProbe,
        Lifecycle = c.Lifecycle,
    };
}
