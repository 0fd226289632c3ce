using Bulwark.Findings;
using Bulwark.Model;
using k8s.Models;

namespace Bulwark.Rules.Pod;

public sealed class AppArmorUnconfined : PodRule
{
    public const string AnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

    public override RuleInfo Info { get; } = new()
    {
        Id = "apparmor-unconfined",
        Title = "AppArmor confinement is disabled",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "The runtime's default AppArmor profile blocks writes to sensitive /proc and /sys files and mounts; Unconfined removes it. As Pod Security Admission's baseline appArmorProfile check, the pod's and each container's securityContext.appArmorProfile (when set) must have type RuntimeDefault or Localhost (an empty or other type is reported too), checked separately without inheritance; and every pod annotation container.apparmor.security.beta.kubernetes.io/<name> must be empty, runtime/default or localhost/<profile>, even one naming no container. Annotations are read from the pod template, never from the controller's own metadata.",
        Remediation = "Set appArmorProfile.type to RuntimeDefault (or Localhost with a reviewed profile), and remove the legacy annotation or set it to runtime/default.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.PodSecurityContext?.AppArmorProfile is { } podProfile && !IsAllowedType(podProfile))
        {
            context.Report(pod.Owner, pod.PodSecurityContextPointer("appArmorProfile/type"), "pod " + Describe(podProfile));
        }

        foreach (var container in pod.Containers)
        {
            if (container.SecurityContext?.AppArmorProfile is { } profile && !IsAllowedType(profile))
            {
                context.Report(pod, container, container.SecurityContextPointer("appArmorProfile/type"), container.Describe() + " " + Describe(profile));
            }
        }

        foreach (var (key, value) in pod.Annotations)
        {
            if (!key.StartsWith(AnnotationPrefix, StringComparison.Ordinal) || IsAllowedAnnotation(value))
            {
                continue;
            }

            var containerName = key[AnnotationPrefix.Length..];
            var what = string.Equals(value, "unconfined", StringComparison.Ordinal) ? "runs unconfined" : $"uses the forbidden AppArmor profile \"{value}\"";
            var pointer = JsonPointer.Append(pod.MetadataPointer + "/annotations", key);
            var container = pod.Containers.FirstOrDefault(c => c.Name == containerName);
            if (container is not null)
            {
                context.Report(pod, container, pointer, $"{container.Describe()} {what} (annotation {key})");
            }
            else
            {
                context.Report(pod.Owner, pointer, $"annotation {key} sets the forbidden AppArmor profile \"{value}\" (the pod has no container \"{containerName}\")");
            }
        }
    }

    private static bool IsAllowedType(V1AppArmorProfile profile) => profile.Type is "RuntimeDefault" or "Localhost";

    private static bool IsAllowedAnnotation(string? value) =>
        string.IsNullOrEmpty(value) || value == "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static string Describe(V1AppArmorProfile profile) =>
        profile.Type == "Unconfined" ? "runs unconfined (appArmorProfile type Unconfined)"
        : string.IsNullOrEmpty(profile.Type) ? "sets an appArmorProfile without a type"
        : $"sets the forbidden appArmorProfile type \"{profile.Type}\"";
}
