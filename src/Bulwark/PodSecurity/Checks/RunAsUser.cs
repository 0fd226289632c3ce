namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// runAsUser (restricted; v1.23, v1.35): neither the pod nor any container may set runAsUser=0.
/// v1.35: pods with <c>hostUsers: false</c> pass.
/// </summary>
internal static class RunAsUser
{
    public static PodSecurityCheck Create() =>
        new(
            "runAsUser",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(23), V1Dot23),
            new CheckVersion(PolicyVersion.V1(35), pod => pod.HostUsersFalse ? CheckResult.Allow : V1Dot23(pod)));

    private static CheckResult V1Dot23(PodInput pod)
    {
        var setters = new List<string>();
        if (pod.PodSecurityContext?.RunAsUser == 0)
        {
            setters.Add("pod");
        }

        var bad = pod.Containers.Where(c => c.SecurityContext?.RunAsUser == 0).Select(c => c.Name).ToList();
        if (bad.Count > 0)
        {
            setters.Add(Text.Containers(bad));
        }

        return setters.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("runAsUser=0", string.Join(" and ", setters) + " must not set runAsUser=0");
    }
}
