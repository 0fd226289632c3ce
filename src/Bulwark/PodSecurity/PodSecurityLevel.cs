namespace Bulwark.PodSecurity;

/// <summary>The three Pod Security Standards levels, in strictness order (privileged is the most permissive).</summary>
public enum PodSecurityLevel
{
    Privileged = 0,
    Baseline = 1,
    Restricted = 2,
}

/// <summary>Parsing and printing of <see cref="PodSecurityLevel"/> exactly as Pod Security Admission spells them.</summary>
public static class PodSecurityLevels
{
    /// <summary>
    /// Parses a level: only the exact, lower-case words <c>privileged</c>, <c>baseline</c> and <c>restricted</c> are
    /// valid. On failure returns false and sets <paramref name="level"/> to <see cref="PodSecurityLevel.Restricted"/>,
    /// the value upstream hands back (callers that must fail open replace it).
    /// </summary>
    public static bool TryParse(string? text, out PodSecurityLevel level)
    {
        switch (text)
        {
            case "privileged":
                level = PodSecurityLevel.Privileged;
                return true;
            case "baseline":
                level = PodSecurityLevel.Baseline;
                return true;
            case "restricted":
                level = PodSecurityLevel.Restricted;
                return true;
            default:
                level = PodSecurityLevel.Restricted;
                return false;
        }
    }

    /// <summary>The label spelling: <c>privileged</c>, <c>baseline</c> or <c>restricted</c>.</summary>
    public static string ToLabel(this PodSecurityLevel level) => level switch
    {
        PodSecurityLevel.Privileged => "privileged",
        PodSecurityLevel.Baseline => "baseline",
        PodSecurityLevel.Restricted => "restricted",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown Pod Security level"),
    };
}
