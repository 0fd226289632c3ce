using System.Globalization;
using Bulwark.Model;

namespace Bulwark.Loading;

/// <summary>
/// Types plain YAML scalars the way Kubernetes' YAML decoder (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1 rules)
/// does, so that <c>privileged: yes</c> means what the API server would take it to mean.
/// </summary>
public static class ScalarResolver
{
    private static readonly HashSet<string> TrueWords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    };

    private static readonly HashSet<string> FalseWords = new(StringComparer.Ordinal)
    {
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    };

    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    private static readonly HashSet<string> SpecialFloats = new(StringComparer.Ordinal)
    {
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    };

    public static ScalarKind Resolve(string plain)
    {
        if (plain.Length == 0 || NullWords.Contains(plain))
        {
            return ScalarKind.Null;
        }

        var c = plain[0];
        // Fast path: most scalars in manifests are names, images and paths.
        if (!(char.IsAsciiDigit(c) || c is '-' or '+' or '.' or 'y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O' or '~'))
        {
            return ScalarKind.String;
        }

        if (TrueWords.Contains(plain) || FalseWords.Contains(plain))
        {
            return ScalarKind.Bool;
        }

        if (SpecialFloats.Contains(plain))
        {
            return ScalarKind.Float;
        }

        if (TryParseInt(plain, out _))
        {
            return ScalarKind.Int;
        }

        return IsFloat(plain) ? ScalarKind.Float : ScalarKind.String;
    }

    public static bool ToBool(string plain) => TrueWords.Contains(plain);

    /// <summary>Parses an integer as Go's strconv.ParseInt(s, 0, 64) does after go-yaml strips underscores.</summary>
    public static bool TryParseInt(string plain, out long value)
    {
        value = 0;
        var s = plain.Contains('_') ? plain.Replace("_", string.Empty) : plain;
        if (s.Length == 0)
        {
            return false;
        }

        var negative = false;
        var i = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        if (i >= s.Length)
        {
            return false;
        }

        var numberBase = 10;
        if (s.Length - i > 1 && s[i] == '0')
        {
            var p = s[i + 1];
            if (p is 'x' or 'X')
            {
                numberBase = 16;
                i += 2;
            }
            else if (p is 'b' or 'B')
            {
                numberBase = 2;
                i += 2;
            }
            else if (p is 'o' or 'O')
            {
                numberBase = 8;
                i += 2;
            }
            else
            {
                numberBase = 8;
                i += 1;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            var digit = HexValue(s[i]);
            if (digit < 0 || digit >= numberBase)
            {
                return false;
            }

            var next = (acc * (ulong)numberBase) + (ulong)digit;
            if (next / (ulong)numberBase != acc && acc != 0)
            {
                return false;
            }

            acc = next;
        }

        if (negative)
        {
            if (acc > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = unchecked(-(long)acc);
            return true;
        }

        if (acc > long.MaxValue)
        {
            return false;
        }

        value = (long)acc;
        return true;
    }

    public static bool TryParseFloat(string plain, out double value)
    {
        switch (plain)
        {
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
        }

        return double.TryParse(plain.Replace("_", string.Empty), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && IsFloat(plain);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    // go-yaml v2's float pattern: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (underscores removed first).
    private static bool IsFloat(string plain)
    {
        var s = plain.Contains('_') ? plain.Replace("_", string.Empty) : plain;
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fraction = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                fraction++;
            }

            if (digits == 0 && fraction == 0)
            {
                return false;
            }
        }
        else if (digits == 0)
        {
            return false;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var exp = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exp++;
            }

            if (exp == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }
}
