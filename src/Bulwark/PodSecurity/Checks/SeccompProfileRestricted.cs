namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// seccompProfile_restricted (restricted; v1.19, v1.25; replaces seccompProfile_baseline): the pod or every container
/// must set seccompProfile.type to RuntimeDefault or Localhost, and none may set another type.
/// v1.25: Windows pods pass.
/// </summary>
internal static class SeccompProfileRestricted
{
    public static PodSecurityCheck Create() =>
        new(
            "seccompProfile_restricted",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(19), V1Dot19, [SeccompProfileBaseline.Id]),
            new CheckVersion(PolicyVersion.V1(25), pod => pod.IsWindows ? CheckResult.Allow : V1Dot19(pod), [SeccompProfileBaseline.Id]));

    private static CheckResult V1Dot19(PodInput pod)
    {
        var setters = new List<string>();
        var badTypes = new List<string>();
        var podCovers = false;
        if (pod.PodSecurityContext?.SeccompProfile is { } podProfile)
        {
            if (SeccompProfileBaseline.AllowedType(podProfile.Type))
            {
                podCovers = true;
            }
            else
            {
                setters.Add("pod");
                badTypes.Add(podProfile.Type ?? string.Empty);
            }
        }

        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var c in pod.Containers)
        {
            if (c.SecurityContext?.SeccompProfile is { } profile)
            {
                if (!SeccompProfileBaseline.AllowedType(profile.Type))
                {
                    explicitlyBad.Add(c.Name);
                    badTypes.Add(profile.Type ?? string.Empty);
                }
            }
            else if (!podCovers)
            {
                implicitlyBad.Add(c.Name);
            }
        }

        if (explicitlyBad.Count > 0)
        {
            setters.Add(Text.Containers(explicitlyBad));
        }

        if (setters.Count > 0)
        {
            return CheckResult.Forbid(
                "seccompProfile",
                string.Join(" and ", setters) + " must not set securityContext.seccompProfile.type to " + Text.Quoted(Text.SortedSet(badTypes)));
        }

        return implicitlyBad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "seccompProfile",
                "pod or " + Text.Containers(implicitlyBad) +
                " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }
}
