namespace Bulwark.PodSecurity.Checks;

/// <summary>privileged (baseline, v1.0): no container may set securityContext.privileged=true.</summary>
internal static class Privileged
{
    public static PodSecurityCheck Create() =>
        new("privileged", PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var bad = pod.Containers.Where(c => c.SecurityContext?.Privileged == true).Select(c => c.Name).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("privileged", Text.Containers(bad) + " must not set securityContext.privileged=true");
    }
}
