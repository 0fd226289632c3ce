namespace Bulwark.PodSecurity.Checks;

/// <summary>hostPathVolumes (baseline, v1.0; replaced by restrictedVolumes at restricted): no hostPath volume.</summary>
internal static class HostPathVolumes
{
    public const string Id = "hostPathVolumes";

    public static PodSecurityCheck Create() =>
        new(Id, PodSecurityLevel.Baseline, new CheckVersion(PolicyVersion.V1(0), V1Dot0));

    private static CheckResult V1Dot0(PodInput pod)
    {
        var bad = (pod.Spec.Volumes ?? []).Where(v => v.HostPath is not null).Select(v => v.Name ?? string.Empty).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("hostPath volumes", Text.Pl(bad.Count, "volume", "volumes") + " " + Text.Quoted(bad));
    }
}
