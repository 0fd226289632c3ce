using k8s.Models;

namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// seLinuxOptions (baseline; v1.0, v1.31): seLinuxOptions (pod and containers) may set only an allowed type and
/// no user or role. v1.31 adds the type <c>container_engine_t</c>.
/// </summary>
internal static class SeLinuxOptions
{
    private static readonly HashSet<string> TypesV1Dot0 = new(StringComparer.Ordinal)
    {
        string.Empty, "container_t", "container_init_t", "container_kvm_t",
    };

    private static readonly HashSet<string> TypesV1Dot31 = new(TypesV1Dot0, StringComparer.Ordinal) { "container_engine_t" };

    public static PodSecurityCheck Create() =>
        new(
            "seLinuxOptions",
            PodSecurityLevel.Baseline,
            new CheckVersion(PolicyVersion.V1(0), pod => Evaluate(pod, TypesV1Dot0)),
            new CheckVersion(PolicyVersion.V1(31), pod => Evaluate(pod, TypesV1Dot31)));

    private static CheckResult Evaluate(PodInput pod, HashSet<string> allowedTypes)
    {
        var badTypes = new List<string>();
        var setUser = false;
        var setRole = false;

        bool Valid(V1SELinuxOptions options)
        {
            var valid = true;
            var type = options.Type ?? string.Empty;
            if (!allowedTypes.Contains(type))
            {
                valid = false;
                badTypes.Add(type);
            }

            if (!string.IsNullOrEmpty(options.User))
            {
                valid = false;
                setUser = true;
            }

            if (!string.IsNullOrEmpty(options.Role))
            {
                valid = false;
                setRole = true;
            }

            return valid;
        }

        var setters = new List<string>();
        if (pod.PodSecurityContext?.SeLinuxOptions is { } podOptions && !Valid(podOptions))
        {
            setters.Add("pod");
        }

        var badContainers = pod.Containers
            .Where(c => c.SecurityContext?.SeLinuxOptions is { } options && !Valid(options))
            .Select(c => c.Name)
            .ToList();
        if (badContainers.Count > 0)
        {
            setters.Add(Text.Containers(badContainers));
        }

        if (setters.Count == 0)
        {
            return CheckResult.Allow;
        }

        var parts = new List<string>();
        var types = Text.SortedSet(badTypes);
        if (types.Count > 0)
        {
            parts.Add(Text.Pl(types.Count, "type", "types") + " " + Text.Quoted(types));
        }

        if (setUser)
        {
            parts.Add("user may not be set");
        }

        if (setRole)
        {
            parts.Add("role may not be set");
        }

        return CheckResult.Forbid(
            "seLinuxOptions",
            string.Join(" and ", setters) + " set forbidden securityContext.seLinuxOptions: " + string.Join("; ", parts));
    }
}
