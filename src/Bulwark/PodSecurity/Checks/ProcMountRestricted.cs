namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// procMount_restricted (restricted, v1.35; replaces procMount): the strict v1.0 procMount rule, without the
/// user-namespace relaxation baseline got in v1.35.
/// </summary>
internal static class ProcMountRestricted
{
    public static PodSecurityCheck Create() =>
        new(
            "procMount_restricted",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(35), ProcMount.Strict, [ProcMount.Id]));
}
