namespace Bulwark.Network.Policies;

/// <summary>Kubernetes' syntax of label keys (qualified names), label values and port names, as the API server validates them.</summary>
public static class LabelSyntax
{
    /// <summary>Why a label key is invalid, or null: an optional DNS-subdomain prefix and "/", then a name of 1-63 characters.</summary>
    public static string? KeyError(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0 || prefix.Length > 253 || !IsDnsSubdomain(prefix))
            {
                return $"label key \"{key}\": the prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')";
            }
        }

        return name.Length is 0 or > 63 || !IsNamePart(name)
            ? $"label key \"{key}\": the name must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
            : null;
    }

    /// <summary>Why a label value is invalid, or null: empty, or 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit.</summary>
    public static string? ValueError(string value) =>
        value.Length == 0 || (value.Length <= 63 && IsNamePart(value))
            ? null
            : $"label value \"{value}\": must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

    /// <summary>Why a port name is invalid, or null (IANA service name: 1-15 of a-z, 0-9, '-', at least one letter, no leading, trailing or double '-').</summary>
    public static string? PortNameError(string name)
    {
        if (name.Length is 0 or > 15)
        {
            return $"port name \"{name}\" must be 1-15 characters";
        }

        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            return $"port name \"{name}\" may hold only lower-case letters, digits and '-'";
        }

        if (!name.Any(c => c is >= 'a' and <= 'z'))
        {
            return $"port name \"{name}\" must contain at least one letter (a number must not be quoted)";
        }

        return name.StartsWith('-') || name.EndsWith('-') || name.Contains("--", StringComparison.Ordinal)
            ? $"port name \"{name}\" must not begin or end with '-' or hold '--'"
            : null;
    }

    private static bool IsNamePart(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        return s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    private static bool IsDnsSubdomain(string s) =>
        s.Split('.').All(label => label.Length is > 0 and <= 63 &&
            label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') &&
            label[0] != '-' && label[^1] != '-');
}
