namespace Bulwark.PodSecurity.Checks;

/// <summary>
/// capabilities_restricted (restricted; v1.22, v1.25; replaces capabilities_baseline): every container must drop
/// <c>ALL</c> and may add only NET_BIND_SERVICE. v1.25: Windows pods pass.
/// </summary>
internal static class CapabilitiesRestricted
{
    public static PodSecurityCheck Create() =>
        new(
            "capabilities_restricted",
            PodSecurityLevel.Restricted,
            new CheckVersion(PolicyVersion.V1(22), V1Dot22, [CapabilitiesBaseline.Id]),
            new CheckVersion(PolicyVersion.V1(25), pod => pod.IsWindows ? CheckResult.Allow : V1Dot22(pod), [CapabilitiesBaseline.Id]));

    private static CheckResult V1Dot22(PodInput pod)
    {
        var missingDropAll = new List<string>();
        var adders = new List<string>();
        var added = new List<string>();
        foreach (var c in pod.Containers)
        {
            var capabilities = c.SecurityContext?.Capabilities;
            if (capabilities is null)
            {
                missingDropAll.Add(c.Name);
                continue;
            }

            if (!(capabilities.Drop ?? []).Contains("ALL", StringComparer.Ordinal))
            {
                missingDropAll.Add(c.Name);
            }

            var adds = false;
            foreach (var cap in capabilities.Add ?? [])
            {
                if (cap != "NET_BIND_SERVICE")
                {
                    adds = true;
                    added.Add(cap);
                }
            }

            if (adds)
            {
                adders.Add(c.Name);
            }
        }

        var parts = new List<string>();
        if (missingDropAll.Count > 0)
        {
            parts.Add(Text.Containers(missingDropAll) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }

        if (adders.Count > 0)
        {
            parts.Add(Text.Containers(adders) + " must not include " + Text.Quoted(Text.SortedSet(added)) + " in securityContext.capabilities.add");
        }

        return parts.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("unrestricted capabilities", string.Join("; ", parts));
    }
}
