namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// Every upstream check, and the selection of those that run for a level at a version: baseline checks sorted by
/// id, then restricted checks sorted by id (byte order), skipping checks not active yet and, at restricted, the
/// baseline checks an active restricted check overrides.
/// </summary>
internal static class CheckRegistry
{
    public static IReadOnlyList<PodSecurityCheck> All { get; } = Sort(
    [
        AppArmorProfile.Create(),
        CapabilitiesBaseline.Create(),
        HostNamespaces.Create(),
        HostPathVolumes.Create(),
        HostPorts.Create(),
        HostProbesAndHostLifecycle.Create(),
        Privileged.Create(),
        ProcMount.Create(),
        SeLinuxOptions.Create(),
        SeccompProfileBaseline.Create(),
        Sysctls.Create(),
        WindowsHostProcess.Create(),
        AllowPrivilegeEscalation.Create(),
        CapabilitiesRestricted.Create(),
        ProcMountRestricted.Create(),
        RestrictedVolumes.Create(),
        RunAsNonRoot.Create(),
        RunAsUser.Create(),
        SeccompProfileRestricted.Create(),
    ]);

    /// <summary>The newest version at which any check starts or changes: what <c>latest</c> means with every check.</summary>
    public static PolicyVersion NewestKnownVersion { get; } = All.SelectMany(c => c.ChangedIn).Max();

    /// <summary>The checks to run for <paramref name="level"/> at the numbered <paramref name="version"/>, in order.</summary>
    public static IReadOnlyList<(PodSecurityCheck Check, CheckVersion Behaviour)> Select(PodSecurityLevel level, PolicyVersion version)
    {
        if (level == PodSecurityLevel.Privileged)
        {
            return [];
        }

        var active = new List<(PodSecurityCheck Check, CheckVersion Behaviour)>();
        foreach (var check in All)
        {
            if (check.Level <= level && check.At(version) is { } behaviour)
            {
                active.Add((check, behaviour));
            }
        }

        var overridden = active.SelectMany(a => a.Behaviour.Overrides).ToHashSet(StringComparer.Ordinal);
        return active.Where(a => a.Check.Level != PodSecurityLevel.Baseline || !overridden.Contains(a.Check.Id)).ToList();
    }

    private static List<PodSecurityCheck> Sort(PodSecurityCheck[] checks) =>
        checks.OrderBy(c => c.Level).ThenBy(c => c.Id, Text.ByteOrder).ToList();
}
