namespace Bulwark.Findings;

public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class SeverityNames
{
    public static string Name(this Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "info":
                severity = Severity.Info;
                return true;
            case "low":
                severity = Severity.Low;
                return true;
            case "medium":
                severity = Severity.Medium;
                return true;
            case "high":
                severity = Severity.High;
                return true;
            case "critical":
                severity = Severity.Critical;
                return true;
            default:
                severity = Severity.Info;
                return false;
        }
    }

    public static readonly string AllNames = "critical, high, medium, low, info";

    /// <summary>Parses a --fail-on threshold: a severity, or "none" (null: never fail).</summary>
    public static bool TryParseThreshold(string text, out Severity? threshold)
    {
        threshold = null;
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!TryParse(text, out var severity))
        {
            return false;
        }

        threshold = severity;
        return true;
    }
}
