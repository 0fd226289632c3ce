using Bulwark.Findings;
using Bulwark.Model;
using k8s.Models;

namespace Bulwark.Rules.Pod;

public sealed class SeLinuxOverride : PodRule
{
    /// <summary>SELinux types Pod Security Admission's baseline allows as of policy v1.31 (the newest change); "" means unset.</summary>
    public static readonly IReadOnlySet<string> AllowedTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        string.Empty, "container_t", "container_init_t", "container_kvm_t", "container_engine_t",
    };

    public override RuleInfo Info { get; } = new()
    {
        Id = "selinux-override",
        Title = "SELinux options override the container type or user",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "SELinux confines containers through the container_t family of types; another type (spc_t, unconfined_t) or a custom SELinux user or role lifts that confinement. As Pod Security Admission's baseline seLinuxOptions check (v1.31+), the pod's and each container's seLinuxOptions are checked separately, without inheritance: type must be empty, container_t, container_init_t, container_kvm_t or container_engine_t, user and role must be empty, and level is free. A forbidden pod-level value is reported once, even if containers override it.",
        Remediation = "Remove seLinuxOptions.type, user and role (keep level if you need MCS categories), or use one of the container_t family of types.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        if (pod.PodSecurityContext?.SeLinuxOptions is { } podOptions)
        {
            foreach (var (field, message) in Problems(podOptions))
            {
                context.Report(pod.Owner, pod.PodSecurityContextPointer("seLinuxOptions/" + field), "pod " + message);
            }
        }

        foreach (var container in pod.Containers)
        {
            if (container.SecurityContext?.SeLinuxOptions is { } options)
            {
                foreach (var (field, message) in Problems(options))
                {
                    context.Report(pod, container, container.SecurityContextPointer("seLinuxOptions/" + field), container.Describe() + " " + message);
                }
            }
        }
    }

    private static IEnumerable<(string Field, string Message)> Problems(V1SELinuxOptions options)
    {
        if (!AllowedTypes.Contains(options.Type ?? string.Empty))
        {
            yield return ("type", $"sets SELinux type \"{options.Type}\", outside the container_t family");
        }

        if (!string.IsNullOrEmpty(options.User))
        {
            yield return ("user", $"sets SELinux user \"{options.User}\"");
        }

        if (!string.IsNullOrEmpty(options.Role))
        {
            yield return ("role", $"sets SELinux role \"{options.Role}\"");
        }
    }
}
