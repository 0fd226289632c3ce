using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bulwark.Bench;

/// <summary>An ordered mapping for building manifests: keys keep the order they were added in.</summary>
internal sealed class Map : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}

/// <summary>A string written as a YAML literal block (<c>|</c>), as ConfigMap scripts and configs usually are.</summary>
internal sealed record Block(string Text);

/// <summary>Writes <see cref="Map"/> trees as block-style YAML or as JSON.</summary>
internal static class Emit
{
    public static void Yaml(StringBuilder sb, Map map, int indent)
    {
        foreach (var (key, value) in map)
        {
            sb.Append(' ', indent).Append(Key(key)).Append(':');
            Value(sb, value, indent);
        }
    }

    private static void Value(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case Map { Count: 0 }:
                sb.Append(" {}\n");
                break;
            case Map m:
                sb.Append('\n');
                Yaml(sb, m, indent + 2);
                break;
            case List<object?> { Count: 0 }:
                sb.Append(" []\n");
                break;
            case List<object?> list:
                sb.Append('\n');
                foreach (var item in list)
                {
                    // Kubernetes style: list items at the parent key's indentation.
                    if (item is Map { Count: > 0 } im)
                    {
                        var first = true;
                        foreach (var (k, v) in im)
                        {
                            sb.Append(' ', indent).Append(first ? "- " : "  ").Append(Key(k)).Append(':');
                            Value(sb, v, indent + 2);
                            first = false;
                        }
                    }
                    else
                    {
                        sb.Append(' ', indent).Append('-');
                        Value(sb, item, indent);
                    }
                }

                break;
            case Block b:
                sb.Append(" |\n");
                foreach (var line in b.Text.Split('\n'))
                {
                    if (line.Length > 0)
                    {
                        sb.Append(' ', indent + 2).Append(line);
                    }

                    sb.Append('\n');
                }

                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => NeedsQuotes(key) ? Quote(key) : key;

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => NeedsQuotes(s) ? Quote(s) : s,
        _ => throw new InvalidOperationException("unsupported value " + value.GetType()),
    };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Quotes anything a YAML 1.1 reader could take for a non-string or for syntax.</summary>
    private static bool NeedsQuotes(string s)
    {
        if (s.Length == 0 || s.Trim() != s)
        {
            return true;
        }

        if (":-?[]{},#&*!|>'\"%@`~".Contains(s[0]) || char.IsAsciiDigit(s[0]) || s[0] == '.' || s[0] == '+')
        {
            return true;
        }

        if (s.Contains(": ") || s.Contains(" #") || s.EndsWith(':'))
        {
            return true;
        }

        return s is "y" or "Y" or "n" or "N" || s.ToLowerInvariant() is "yes" or "no" or "on" or "off" or "true" or "false" or "null";
    }

    public static void Json(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case Map m:
                w.WriteStartObject();
                foreach (var (k, v) in m)
                {
                    w.WritePropertyName(k);
                    Json(w, v);
                }

                w.WriteEndObject();
                break;
            case List<object?> list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    Json(w, item);
                }

                w.WriteEndArray();
                break;
            case Block b:
                w.WriteStringValue(b.Text);
                break;
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            default:
                throw new InvalidOperationException("unsupported value " + value.GetType());
        }
    }
}
