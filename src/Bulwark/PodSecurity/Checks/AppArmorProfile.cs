namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// appArmorProfile (baseline, v1.0): the appArmorProfile fields (pod and containers) must be RuntimeDefault or
/// Localhost when set, and every <c>container.apparmor.security.beta.kubernetes.io/*</c> annotation (whatever its
/// suffix) must be empty, <c>runtime/default</c> or <c>localhost/*</c>.
/// </summary>
internal static class AppArmorProfile
{
    private const string AnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

    public static PodSecurityCheck Create() =>
        new("appArmorProfile", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static bool AllowedType(string? type) => type is "RuntimeDefault" or "Localhost";

    private static bool AllowedAnnotation(string? value) =>
        string.IsNullOrEmpty(value) || value == "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static CheckResult V1Dot0(PodInput pod)
    {
        var setters = new List<string>();
        var badTypes = new List<string>();
        if (pod.PodSecurityContext?.AppArmorProfile is { } podProfile && !AllowedType(podProfile.Type))
        {
            setters.Add("pod");
            badTypes.Add(podProfile.Type ?? string.Empty);
        }

        var badContainers = new List<string>();
        foreach (var c in pod.Containers)
        {
            if (c.SecurityContext?.AppArmorProfile is { } profile && !AllowedType(profile.Type))
            {
                badContainers.Add(c.Name);
                badTypes.Add(profile.Type ?? string.Empty);
            }
        }

        if (badContainers.Count > 0)
        {
            setters.Add(Text.Containers(badContainers));
        }

        var badAnnotations = Text.Sorted(pod.Annotations
            .Where(a => a.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal) && !AllowedAnnotation(a.Value))
            .Select(a => a.Key + "=" + Text.GoQuote(a.Value ?? string.Empty)));
        var values = Text.SortedSet(badTypes);
        values.AddRange(badAnnotations);
        if (badAnnotations.Count > 0)
        {
            setters.Add(Text.Pl(badAnnotations.Count, "annotation", "annotations"));
        }

        if (setters.Count == 0)
        {
            return CheckResult.Allow;
        }

        return CheckResult.Forbid(
            Text.Pl(values.Count, "forbidden AppArmor profile", "forbidden AppArmor profiles"),
            string.Join(" and ", setters) + " must not set AppArmor profile type to " + Text.Quoted(values));
    }
}
