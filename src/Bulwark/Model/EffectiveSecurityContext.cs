using k8s.Models;

namespace Bulwark.Model;

/// <summary>A setting's effective value and the field it comes from (container level wins over pod level).</summary>
public readonly record struct Effective<T>(T? Value, string Pointer, bool FromPod);

/// <summary>
/// Resolves the settings a container inherits from the pod's securityContext exactly as the kubelet does:
/// runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, appArmorProfile and windowsOptions are
/// taken from the container when set there, else from the pod. allowPrivilegeEscalation, readOnlyRootFilesystem,
/// capabilities, privileged and procMount exist only on containers. When neither level sets a field, the pointer
/// names the container's securityContext (where the fix belongs).
/// </summary>
public static class EffectiveSecurityContext
{
    public static Effective<long?> RunAsUser(PodTemplate pod, ContainerView c) =>
        Pick(c.SecurityContext?.RunAsUser, pod.PodSecurityContext?.RunAsUser, pod, c, "runAsUser");

    public static Effective<long?> RunAsGroup(PodTemplate pod, ContainerView c) =>
        Pick(c.SecurityContext?.RunAsGroup, pod.PodSecurityContext?.RunAsGroup, pod, c, "runAsGroup");

    public static Effective<bool?> RunAsNonRoot(PodTemplate pod, ContainerView c) =>
        Pick(c.SecurityContext?.RunAsNonRoot, pod.PodSecurityContext?.RunAsNonRoot, pod, c, "runAsNonRoot");

    public static Effective<V1SeccompProfile> Seccomp(PodTemplate pod, ContainerView c) =>
        PickRef(c.SecurityContext?.SeccompProfile, pod.PodSecurityContext?.SeccompProfile, pod, c, "seccompProfile");

    public static Effective<V1SELinuxOptions> SeLinux(PodTemplate pod, ContainerView c) =>
        PickRef(c.SecurityContext?.SeLinuxOptions, pod.PodSecurityContext?.SeLinuxOptions, pod, c, "seLinuxOptions");

    public static Effective<V1AppArmorProfile> AppArmor(PodTemplate pod, ContainerView c) =>
        PickRef(c.SecurityContext?.AppArmorProfile, pod.PodSecurityContext?.AppArmorProfile, pod, c, "appArmorProfile");

    public static Effective<bool?> HostProcess(PodTemplate pod, ContainerView c) =>
        Pick(c.SecurityContext?.WindowsOptions?.HostProcess, pod.PodSecurityContext?.WindowsOptions?.HostProcess, pod, c, "windowsOptions/hostProcess");

    private static Effective<T?> Pick<T>(T? container, T? podLevel, PodTemplate pod, ContainerView c, string field)
        where T : struct
    {
        if (container.HasValue)
        {
            return new Effective<T?>(container, c.SecurityContextPointer(field), false);
        }

        if (podLevel.HasValue)
        {
            return new Effective<T?>(podLevel, pod.PodSecurityContextPointer(field), true);
        }

        return new Effective<T?>(null, c.SecurityContextPointer(field), false);
    }

    private static Effective<T> PickRef<T>(T? container, T? podLevel, PodTemplate pod, ContainerView c, string field)
        where T : class
    {
        if (container is not null)
        {
            return new Effective<T>(container, c.SecurityContextPointer(field), false);
        }

        if (podLevel is not null)
        {
            return new Effective<T>(podLevel, pod.PodSecurityContextPointer(field), true);
        }

        return new Effective<T>(null, c.SecurityContextPointer(field), false);
    }
}
