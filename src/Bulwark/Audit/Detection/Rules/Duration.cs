using System.Globalization;
using System.Text.RegularExpressions;

namespace Bulwark.Audit.Detection.Rules;

/// <summary>Durations like 30s, 10m, 1h, 1h30m.</summary>
internal static partial class Duration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var match = Pattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        foreach (Capture c in match.Groups["part"].Captures)
        {
            var unit = c.Value[^1];
            var n = long.Parse(c.Value[..^1], CultureInfo.InvariantCulture);
            value += unit switch
            {
                'h' => TimeSpan.FromHours(n),
                'm' => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
        }

        return value > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(?<part>[0-9]{1,6}[hms])+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
