using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bulwark.Audit.Detection.Fields;

/// <summary>Small helpers to read an audit event's JSON the way Falco's k8saudit plugin reads it.</summary>
internal static class JsonValues
{
    private static readonly JsonWriterOptions CompactOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The property of an object, or Undefined.</summary>
    public static JsonElement Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    /// <summary>The property of an object by its UTF-8 name (no transcoding: for hot paths), or Undefined.</summary>
    public static JsonElement Prop(JsonElement e, ReadOnlySpan<byte> name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static JsonElement Path(JsonElement e, string a, string b) => Prop(Prop(e, a), b);

    public static JsonElement Path(JsonElement e, string a, string b, string c) => Prop(Prop(Prop(e, a), b), c);

    public static JsonElement Path(JsonElement e, string a, string b, string c, string d) => Prop(Prop(Prop(Prop(e, a), b), c), d);

    /// <summary>
    /// A JSON value as a field value: a string as is, a number or boolean as written, an object or array as compact
    /// JSON text (Falco's behaviour); null or absent is missing.
    /// </summary>
    public static string? AsString(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.Object or JsonValueKind.Array => Compact(e),
        _ => null,
    };

    /// <summary>The string property of an object, or null.</summary>
    public static string? Str(JsonElement e, string name) => AsString(Prop(e, name));

    /// <summary>Every element of an array as a string (nulls skipped); null when it is not an array.</summary>
    public static string[]? Strings(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var n = array.GetArrayLength();
        if (n == 0)
        {
            return [];
        }

        var list = new List<string>(n);
        foreach (var item in array.EnumerateArray())
        {
            if (AsString(item) is { } s)
            {
                list.Add(s);
            }
        }

        return [.. list];
    }

    public static string Compact(JsonElement e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, CompactOptions))
        {
            e.WriteTo(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Follows a JSON pointer (RFC 6901); Undefined when a step is missing.</summary>
    public static JsonElement Pointer(JsonElement root, IReadOnlyList<string> tokens) => Pointer(root, tokens.ToArray().AsSpan());

    /// <summary>Follows the tokens of a JSON pointer; Undefined when a step is missing.</summary>
    public static JsonElement Pointer(JsonElement root, ReadOnlySpan<string> tokens)
    {
        var current = root;
        foreach (var token in tokens)
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!current.TryGetProperty(token, out current))
                    {
                        return default;
                    }

                    break;
                case JsonValueKind.Array:
                    if (!int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ||
                        i >= current.GetArrayLength())
                    {
                        return default;
                    }

                    current = current[i];
                    break;
                default:
                    return default;
            }
        }

        return current;
    }

    /// <summary>Splits a JSON pointer into unescaped tokens; null when it is not a pointer.</summary>
    public static string[]? ParsePointer(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            return null;
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }
}
