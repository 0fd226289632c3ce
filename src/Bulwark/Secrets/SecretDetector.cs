using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bulwark.Secrets;

/// <summary>What the detector found: the kind of credential and a masked hint that never reveals the value.</summary>
public sealed record SecretMatch(string Kind, string? Hint = null)
{
    /// <summary>"a GitHub token (ghp_****)" or "a password-like value": safe to print.</summary>
    public string Describe() => Hint is null ? Kind : $"{Kind} ({Hint})";
}

/// <summary>How strictly a key name is read.</summary>
public enum KeyNameMode
{
    /// <summary>A sensitive word anywhere in the name (env names, config keys): <c>DB_PASSWORD</c>, <c>apiKeyValue</c>.</summary>
    Anywhere,

    /// <summary>The name must end with the sensitive word (annotations, whose keys often mention secrets by name).</summary>
    Suffix,
}

/// <summary>
/// Shared secret detection for the SEC-1 rules: key-name heuristics (password, token, api key, ...) on names split
/// into words at camelCase, snake_case, kebab-case and dots, with exclusions for obvious non-secrets; and value
/// shapes of well-known credentials (AWS, GitHub, Slack, Google, Stripe keys, private-key PEM blocks, JWTs,
/// URLs with a password). Nothing it returns contains the value: hints are at most a known public prefix.
/// </summary>
public static class SecretDetector
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    // Single words that name a secret.
    private static readonly HashSet<string> SensitiveWords = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "apikey", "accesskey",
        "privatekey", "secretkey", "credentials", "credential", "creds", "clientsecret",
    };

    // Run-together words ending in a secret word: PGPASSWORD, authtoken, clientsecret.
    private static readonly string[] SensitiveSuffixes = ["password", "passwd", "token", "secret", "apikey"];

    // Two-word names that name a secret ("api key", "access key", "private key", "secret key", "auth key").
    private static readonly (string First, string Second)[] SensitivePairs =
    [
        ("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"), ("auth", "key"), ("signing", "key"),
        ("encryption", "key"), ("master", "key"),
    ];

    // A word after the sensitive word that makes the name about the secret, not the secret itself
    // (token_ttl, password_min_length, secret_name, api_key_file, access_key_id, token_url).
    private static readonly HashSet<string> QualifierWords = new(StringComparer.Ordinal)
    {
        "name", "names", "ref", "reference", "file", "files", "path", "dir", "directory", "ttl", "lifetime", "expiry",
        "expiration", "expires", "expire", "timeout", "length", "len", "min", "max", "minimum", "maximum", "size",
        "policy", "policies", "rotation", "header", "type", "url", "uri", "endpoint", "mount", "enabled", "enable",
        "disabled", "required", "regex", "pattern", "field", "env", "var", "count", "age", "duration", "interval",
        "retries", "attempts", "id", "ids", "strength", "complexity", "location", "namespace", "provider", "store",
        "version", "format", "hint", "prompt", "label", "days", "seconds", "hours", "minutes", "reset", "validity",
        "audience", "issuer", "refresh", "lookup", "volume", "keyref", "selector", "class", "source",
    };

    // Qualifiers that may also come first (min_password_length, max_token_age).
    private static readonly HashSet<string> LeadingQualifierWords = new(StringComparer.Ordinal)
    {
        "min", "max", "minimum", "maximum", "no", "skip", "allow", "allowed", "use", "enable", "disable", "require",
    };

    private static readonly Regex AwsAccessKeyId = new(@"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex AwsSecretValue = new(@"^[A-Za-z0-9/+]{40}$", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex GitHubToken = new(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})\b", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex SlackToken = new(@"\bxox[baprs]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex PrivateKeyPem = new(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex JwtShape = new(@"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{10,})\.([A-Za-z0-9_-]{10,})\.([A-Za-z0-9_-]{10,})(?![A-Za-z0-9_.-])", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex GoogleApiKey = new(@"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex StripeLiveKey = new(@"\b(?:sk|rk)_live_[0-9A-Za-z]{24,}", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex BasicAuthUrl = new(@"\b[A-Za-z][A-Za-z0-9+.-]*://(?<user>[^/\s:@]+):(?<pass>[^/\s@]+)@[^\s/@]+", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex LineAssignment = new(@"^\s*(?:export\s+|-\s+)?[""']?(?<key>[A-Za-z_][A-Za-z0-9_.\-]*)[""']?\s*(?::|=|:=)\s*(?<value>.*?)\s*,?\s*$", RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
    private static readonly Regex Reference = new(@"^(?:\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|%\(.*\)s|<[^>]*>|ENC\[.*\]|(?:vault|ref\+[a-z0-9]+|secretsmanager|awssm|gcpsm|azkv|op|sops|env|file):.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled, RegexTimeout);

    /// <summary>Splits a name into lower-case words at camelCase humps, '_', '-', '.', '/' and spaces.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            // "apiKey" -> api|Key; "APIKey" -> API|Key; "OAuth2Token" -> OAuth2|Token
            if (char.IsUpper(c) && current.Length > 0)
            {
                var prev = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextIsLower))
                {
                    Flush();
                }
            }

            current.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>Whether a key name says it holds a secret (DB_PASSWORD, apiKey, client-secret), and not something about one (token_ttl).</summary>
    public static bool IsSensitiveName(string name, KeyNameMode mode = KeyNameMode.Anywhere)
    {
        if (mode == KeyNameMode.Suffix)
        {
            var slash = name.LastIndexOf('/');
            name = slash >= 0 ? name[(slash + 1)..] : name;
        }

        var words = Words(name);
        for (var i = 0; i < words.Count; i++)
        {
            int end; // index of the last word of the sensitive term
            if (SensitiveWords.Contains(words[i]) || SensitiveSuffixes.Any(s => words[i].Length > s.Length && words[i].EndsWith(s, StringComparison.Ordinal)))
            {
                end = i;
            }
            else if (i + 1 < words.Count && SensitivePairs.Contains((words[i], words[i + 1])))
            {
                end = i + 1;
            }
            else
            {
                continue;
            }

            if (mode == KeyNameMode.Suffix && end != words.Count - 1)
            {
                continue;
            }

            var qualifiedAfter = words.Skip(end + 1).Any(QualifierWords.Contains);
            var qualifiedBefore = words.Take(i).Any(LeadingQualifierWords.Contains);
            if (!qualifiedAfter && !qualifiedBefore)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a literal value is obviously not a secret: empty, a reference (<c>${VAR}</c>, <c>$(VAR)</c>,
    /// templates, <c>&lt;placeholder&gt;</c>, sops/vault references), a file path, a boolean, or a mask (<c>****</c>).
    /// </summary>
    public static bool IsNonSecretValue(string? value)
    {
        if (value is null)
        {
            return true;
        }

        var v = value.Trim().Trim('"', '\'').Trim();
        if (v.Length == 0 || Reference.IsMatch(v))
        {
            return true;
        }

        if (v.StartsWith('/') || v.StartsWith("./", StringComparison.Ordinal) || v.StartsWith("../", StringComparison.Ordinal) ||
            v.StartsWith("~/", StringComparison.Ordinal) || v.StartsWith("file://", StringComparison.Ordinal) ||
            (v.Length > 2 && char.IsAsciiLetter(v[0]) && v[1] == ':' && v[2] == '\\'))
        {
            return true;
        }

        switch (v.ToLowerInvariant())
        {
            case "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "nil" or "none" or "~" or "redacted" or "[redacted]" or "{}" or "[]" or "|" or ">" or "|-" or ">-":
                return true;
        }

        return v.All(c => c is '*' or 'x' or 'X' or '.' or '-' or '#');
    }

    /// <summary>Finds the first well-known credential shape anywhere in a text (multi-line texts included).</summary>
    public static SecretMatch? FindShape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // Each shape has a literal marker; checking it first keeps ordinary values away from the regexes.
        if (text.Contains("-----BEGIN", StringComparison.Ordinal) && PrivateKeyPem.IsMatch(text))
        {
            return new SecretMatch("a private key (PEM block)");
        }

        if ((text.Contains("AKIA", StringComparison.Ordinal) || text.Contains("ASIA", StringComparison.Ordinal)) && AwsAccessKeyId.Match(text) is { Success: true } aws)
        {
            return new SecretMatch("an AWS access key id", Prefix(aws.Value));
        }

        if ((text.Contains("gh", StringComparison.Ordinal) || text.Contains("github_pat_", StringComparison.Ordinal)) && GitHubToken.Match(text) is { Success: true } gh)
        {
            return new SecretMatch("a GitHub token", Prefix(gh.Value));
        }

        if (text.Contains("xox", StringComparison.Ordinal) && SlackToken.Match(text) is { Success: true } slack)
        {
            return new SecretMatch("a Slack token", Prefix(slack.Value));
        }

        if (text.Contains("AIza", StringComparison.Ordinal) && GoogleApiKey.Match(text) is { Success: true } google)
        {
            return new SecretMatch("a Google API key", Prefix(google.Value));
        }

        if (text.Contains("_live_", StringComparison.Ordinal) && StripeLiveKey.Match(text) is { Success: true } stripe)
        {
            return new SecretMatch("a Stripe live key", Prefix(stripe.Value));
        }

        foreach (Match m in text.Contains('.') ? JwtShape.Matches(text) : (IEnumerable<Match>)[])
        {
            if (IsJwtHeader(m.Groups[1].Value))
            {
                return new SecretMatch("a JSON Web Token", Prefix(m.Value));
            }
        }

        foreach (Match m in text.Contains("://", StringComparison.Ordinal) && text.Contains('@') ? BasicAuthUrl.Matches(text) : (IEnumerable<Match>)[])
        {
            if (!IsNonSecretValue(m.Groups["pass"].Value))
            {
                return new SecretMatch("a URL with an embedded password");
            }
        }

        return null;
    }

    /// <summary>
    /// Inspects one key/value pair: value shapes first, then an AWS secret access key next to an AWS key name,
    /// then the key-name heuristic with a literal value that is not obviously a non-secret.
    /// </summary>
    public static SecretMatch? Inspect(string? key, string? value, KeyNameMode mode = KeyNameMode.Anywhere)
    {
        if (FindShape(value) is { } shape)
        {
            return shape;
        }

        if (key is null || IsNonSecretValue(value))
        {
            return null;
        }

        var trimmed = value!.Trim().Trim('"', '\'');
        var words = Words(key);
        if (words.Contains("aws") && (words.Contains("secret") || words.Contains("secretaccesskey")) && AwsSecretValue.IsMatch(trimmed))
        {
            return new SecretMatch("an AWS secret access key");
        }

        return IsSensitiveName(key, mode) ? new SecretMatch("a literal value under a secret-like name") : null;
    }

    /// <summary>
    /// Inspects a text line by line (config files inside ConfigMaps): credential shapes, and lines of the form
    /// <c>key: value</c>, <c>key = value</c>, <c>"key": "value"</c> or <c>export KEY=value</c> whose key names a secret.
    /// </summary>
    public static SecretMatch? InspectText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (PrivateKeyPem.IsMatch(text))
        {
            return new SecretMatch("a private key (PEM block)");
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#') || line.TrimStart().StartsWith("//", StringComparison.Ordinal) || line.TrimStart().StartsWith(';'))
            {
                continue;
            }

            if (FindShape(line) is { } shape)
            {
                return shape;
            }

            if (LineAssignment.Match(line) is { Success: true } m &&
                Inspect(m.Groups["key"].Value, StripInlineComment(m.Groups["value"].Value)) is { } assigned)
            {
                return assigned;
            }
        }

        return null;
    }

    private static string StripInlineComment(string value)
    {
        var v = value.Trim();
        if (v.StartsWith('"') || v.StartsWith('\''))
        {
            var close = v.IndexOf(v[0], 1);
            return close > 0 ? v[1..close] : v.Trim('"', '\'');
        }

        var hash = v.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 ? v[..hash].Trim() : v;
    }

    private static string Prefix(string value) => value.Length <= 4 ? "****" : value[..4] + "****";

    private static bool IsJwtHeader(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("alg", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
