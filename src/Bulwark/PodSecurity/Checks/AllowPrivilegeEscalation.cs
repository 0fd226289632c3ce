namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// allowPrivilegeEscalation (restricted; v1.8, v1.25): every container must set allowPrivilegeEscalation=false.
/// v1.25: Windows pods (<c>spec.os.name: windows</c>) pass.
/// </summary>
internal static class AllowPrivilegeEscalation
{
    public static PodSecurityCheck Create() =>
        new(
            "allowPrivilegeEscalation",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(8), V1Dot8),
            new CheckVersion(PolicyVersion.V1(25), pod => pod.IsWindows ? CheckResult.Allow : V1Dot8(pod)));

    private static CheckResult V1Dot8(PodInput pod)
    {
        var bad = pod.Containers.Where(c => c.SecurityContext?.AllowPrivilegeEscalation != false).Select(c => c.Name).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid(
                "allowPrivilegeEscalation != false",
                Text.Containers(bad) + " must set securityContext.allowPrivilegeEscalation=false");
    }
}
