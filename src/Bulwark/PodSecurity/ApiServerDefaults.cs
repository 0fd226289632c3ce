using System.Reflection;
using k8s;
using k8s.Models;

namespace Bulwark.PodSecurity;

/// <summary>Where the pod spec being evaluated comes from: a Pod, or a template inside another object.</summary>
public enum PodSpecSource
{
    /// <summary>A pod template (Deployment, Job, CronJob, PodTemplate, ...).</summary>
    Template = 0,

    /// <summary>A Pod's own spec.</summary>
    Pod = 1,
}

/// <summary>
/// The API server's defaulting that Pod Security Admission sees but a raw manifest lacks, where it changes the
/// outcome or the message. Applied to a copy; the input is never changed. What is defaulted:
/// <list type="bullet">
/// <item>A volume with no source at all becomes <c>emptyDir: {}</c> (core/v1 volume defaulting; otherwise
/// restrictedVolumes would report it as type <c>unknown</c>). Applies to Pods and templates.</item>
/// <item>For a Pod (not a template, since Kubernetes 1.28) with <c>hostNetwork: true</c>, each port of a container or
/// init container with no <c>hostPort</c> (or 0) gets <c>hostPort</c> = <c>containerPort</c>, so hostPorts reports it
/// beside hostNamespaces.</item>
/// </list>
/// Not modelled: the Pod strategy's copying between AppArmor annotations and fields (done after defaulting, before
/// validating admission), which can add a container to the appArmorProfile detail but never changes the decision.
/// </summary>
public static class ApiServerDefaults
{
    private static readonly PropertyInfo[] VolumeSources = typeof(V1Volume).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name != nameof(V1Volume.Name) && !p.PropertyType.IsValueType)
        .ToArray();

    /// <summary>The spec as the API server would hand it to admission (the same instance when nothing changes).</summary>
    public static V1PodSpec Apply(V1PodSpec spec, PodSpecSource source)
    {
        var needsVolumes = spec.Volumes?.Any(HasNoSource) == true;
        var needsPorts = source == PodSpecSource.Pod && spec.HostNetwork == true &&
            (spec.Containers ?? []).Concat(spec.InitContainers ?? []).Any(c => (c.Ports ?? []).Any(p => (p.HostPort ?? 0) == 0));
        if (!needsVolumes && !needsPorts)
        {
            return spec;
        }

        var copy = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(spec));
        if (needsVolumes)
        {
            foreach (var volume in copy.Volumes.Where(HasNoSource))
            {
                volume.EmptyDir = new V1EmptyDirVolumeSource();
            }
        }

        if (needsPorts)
        {
            foreach (var port in (copy.Containers ?? []).Concat(copy.InitContainers ?? []).SelectMany(c => c.Ports ?? []))
            {
                if ((port.HostPort ?? 0) == 0)
                {
                    port.HostPort = port.ContainerPort;
                }
            }
        }

        return copy;
    }

    private static bool HasNoSource(V1Volume volume) => VolumeSources.All(p => p.GetValue(volume) is null);
}
