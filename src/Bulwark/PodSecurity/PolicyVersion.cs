using System.Globalization;

namespace Bulwark.PodSecurity;

/// <summary>
/// A Pod Security policy version: <c>latest</c> or <c>v1.N</c>. Ordered by age, with <c>latest</c> newer than every
/// numbered version. Prints as the label spells it (<c>latest</c>, <c>v1.29</c>).
/// </summary>
public readonly record struct PolicyVersion : IComparable<PolicyVersion>
{
    private const int LatestMinor = int.MaxValue;

    private PolicyVersion(int minor) => Minor = minor;

    /// <summary>The newest policy, whatever the evaluator knows as newest.</summary>
    public static PolicyVersion Latest { get; } = new(LatestMinor);

    /// <summary>True for <c>latest</c>.</summary>
    public bool IsLatest => Minor == LatestMinor;

    /// <summary>The minor version (major is always 1); <see cref="int.MaxValue"/> for <c>latest</c>.</summary>
    public int Minor { get; }

    /// <summary>The numbered version <c>v1.&lt;minor&gt;</c>.</summary>
    public static PolicyVersion V1(int minor) =>
        minor is >= 0 and < LatestMinor ? new(minor) : throw new ArgumentOutOfRangeException(nameof(minor));

    /// <summary>
    /// Parses <c>latest</c> or <c>v1.&lt;minor&gt;</c> where minor is <c>0</c> or a decimal without a leading zero.
    /// Anything else (<c>v1.05</c>, <c>1.25</c>, <c>v2.0</c>, <c>V1.2</c>, <c>v1.</c>, <c>Latest</c>) is invalid: returns
    /// false and sets <paramref name="version"/> to <see cref="Latest"/>, the value upstream hands back.
    /// </summary>
    public static bool TryParse(string? text, out PolicyVersion version)
    {
        version = Latest;
        if (text == "latest")
        {
            return true;
        }

        if (text is null || !text.StartsWith("v1.", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = text.AsSpan(3);
        if (digits.Length == 0 || (digits[0] == '0' && digits.Length > 1))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var minor) || minor == LatestMinor)
        {
            return false; // too large to be a real version
        }

        version = new PolicyVersion(minor);
        return true;
    }

    public int CompareTo(PolicyVersion other) => Minor.CompareTo(other.Minor);

    public static bool operator <(PolicyVersion left, PolicyVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(PolicyVersion left, PolicyVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(PolicyVersion left, PolicyVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PolicyVersion left, PolicyVersion right) => left.CompareTo(right) >= 0;

    /// <summary><c>latest</c> or <c>v1.&lt;minor&gt;</c>.</summary>
    public override string ToString() => IsLatest ? "latest" : "v1." + Minor.ToString(CultureInfo.InvariantCulture);
}
