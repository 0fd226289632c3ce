namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// seccompProfile_baseline (baseline; v1.0 annotations, v1.19 fields; replaced by seccompProfile_restricted at
/// restricted v1.19+): seccomp must not be set to Unconfined (or any type but RuntimeDefault/Localhost).
/// </summary>
internal static class SeccompProfileBaseline
{
    public const string Id = "seccompProfile_baseline";

    private const string PodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
    private const string ContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";

    public static PodSecurityCheck Create() =>
        new(
            Id,
            PodSecurityLevel.Baseline,
            new CheckVersion(PolicyVersion.V1(0), V1Dot0),
            new CheckVersion(PolicyVersion.V1(19), V1Dot19));

    internal static bool AllowedType(string? type) => type is "RuntimeDefault" or "Localhost";

    private static bool AllowedAnnotation(string? value) =>
        value is "runtime/default" or "docker/default" ||
        (value is not null && value.StartsWith("localhost/", StringComparison.Ordinal));

    /// <summary>v1.0–v1.18: the alpha seccomp annotations only (for the pod and for containers that exist).</summary>
    private static CheckResult V1Dot0(PodInput pod)
    {
        var bad = new List<string>();
        if (pod.Annotations.TryGetValue(PodAnnotation, out var podValue) && !AllowedAnnotation(podValue))
        {
            bad.Add(PodAnnotation + "=" + Text.GoQuote(podValue ?? string.Empty));
        }

        foreach (var c in pod.Containers)
        {
            var key = ContainerAnnotationPrefix + c.Name;
            if (pod.Annotations.TryGetValue(key, out var value) && !AllowedAnnotation(value))
            {
                bad.Add(key + "=" + Text.GoQuote(value ?? string.Empty));
            }
        }

        if (bad.Count == 0)
        {
            return CheckResult.Allow;
        }

        var entries = Text.SortedSet(bad);
        return CheckResult.Forbid(
            "seccompProfile",
            "forbidden " + Text.Pl(entries.Count, "annotation", "annotations") + " " + string.Join(", ", entries));
    }

    /// <summary>v1.19+: the seccompProfile fields only; unset is fine.</summary>
    private static CheckResult V1Dot19(PodInput pod)
    {
        var setters = new List<string>();
        var badTypes = new List<string>();
        if (pod.PodSecurityContext?.SeccompProfile is { } podProfile && !AllowedType(podProfile.Type))
        {
            setters.Add("pod");
            badTypes.Add(podProfile.Type ?? string.Empty);
        }

        var badContainers = new List<string>();
        foreach (var c in pod.Containers)
        {
            if (c.SecurityContext?.SeccompProfile is { } profile && !AllowedType(profile.Type))
            {
                badContainers.Add(c.Name);
                badTypes.Add(profile.Type ?? string.Empty);
            }
        }

        if (badContainers.Count > 0)
        {
            setters.Add(Text.Containers(badContainers));
        }

        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "seccompProfile",
                string.Join(" and ", setters) + " must not set securityContext.seccompProfile.type to " + Text.Quoted(Text.SortedSet(badTypes)));
    }
}
