namespace Bulwark.PodSecurity.Checks;

/// <summary>What one check says about a pod: allowed, or forbidden with a reason and an optional detail.</summary>
internal readonly record struct CheckResult(bool Allowed, string Reason, string Detail)
{
    public static CheckResult Allow { get; } = new(true, string.Empty, string.Empty);

    public static CheckResult Forbid(string reason, string detail = "") => new(false, reason, detail);
}

/// <summary>One behaviour of a check, active from <see cref="MinimumVersion"/> until the check's next version.</summary>
internal sealed record CheckVersion(PolicyVersion MinimumVersion, Func<PodInput, CheckResult> Evaluate, IReadOnlyList<string> Overrides)
{
    public CheckVersion(PolicyVersion minimumVersion, Func<PodInput, CheckResult> evaluate)
        : this(minimumVersion, evaluate, [])
    {
    }
}

/// <summary>
/// A Pod Security check as upstream registers it: an id, a level and its versions (ordered, oldest first). A restricted
/// check version may override (replace) baseline checks while it is active.
/// </summary>
public sealed class PodSecurityCheck
{
    internal PodSecurityCheck(string id, PodSecurityLevel level, params CheckVersion[] versions)
    {
        Id = id;
        Level = level;
        Versions = versions;
    }

    /// <summary>Upstream check id, e.g. <c>capabilities_restricted</c>.</summary>
    public string Id { get; }

    /// <summary>Baseline or restricted.</summary>
    public PodSecurityLevel Level { get; }

    /// <summary>The versions at which the check starts or changes behaviour.</summary>
    public IEnumerable<PolicyVersion> ChangedIn => Versions.Select(v => v.MinimumVersion);

    internal IReadOnlyList<CheckVersion> Versions { get; }

    /// <summary>The behaviour active at <paramref name="version"/> (a numbered version), or null when the check does not run yet.</summary>
    internal CheckVersion? At(PolicyVersion version)
    {
        CheckVersion? active = null;
        foreach (var v in Versions)
        {
            if (v.MinimumVersion <= version)
            {
                active = v;
            }
        }

        return active;
    }
}
