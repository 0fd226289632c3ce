namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// procMount (baseline; v1.0, v1.35; replaced by procMount_restricted at restricted v1.35+): securityContext.procMount
/// must be unset or <c>Default</c>. v1.35: pods with <c>hostUsers: false</c> pass.
/// </summary>
internal static class ProcMount
{
    public const string Id = "procMount";

    public static PodSecurityCheck Create() =>
        new(
            Id,
            PodSecurityLevel.Baseline,
            new CheckVersion(PolicyVersion.V1(0), Strict),
            new CheckVersion(PolicyVersion.V1(35), V1Dot35));

    private static CheckResult V1Dot35(PodInput pod) => pod.HostUsersFalse ? CheckResult.Allow : Strict(pod);

    /// <summary>The v1.0 rule, also the whole of procMount_restricted.</summary>
    internal static CheckResult Strict(PodInput pod)
    {
        var badContainers = new List<string>();
        var values = new List<string>();
        foreach (var c in pod.Containers)
        {
            if (c.SecurityContext?.ProcMount is { } procMount && procMount != "Default")
            {
                badContainers.Add(c.Name);
                values.Add(procMount);
            }
        }

        return badContainers.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "procMount",
                Text.Containers(badContainers) + " must not set securityContext.procMount to " + Text.Quoted(Text.SortedSet(values)));
    }
}
