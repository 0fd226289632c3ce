using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Bulwark.Loading;
using k8s;

namespace Bulwark.Model;

/// <summary>
/// Turns a node subtree into the Kubernetes client's typed model (V1PodSpec, V1Role, ...), through JSON and with
/// the client's own serializer settings, so Bulwark never re-models Kubernetes by hand.
/// </summary>
public static class TypedConverter
{
    private static readonly JsonSerializerOptions Options = CaptureClientOptions();

    /// <summary>Converts a node to T. On a type error, returns false with the pointer (relative to the node) and a message.</summary>
    public static bool TryConvert<T>(Node node, out T? value, out string errorPointer, out string errorMessage)
        where T : class
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(node, writer);
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Options);
            errorPointer = string.Empty;
            errorMessage = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            value = null;
            errorPointer = PointerFromJsonPath(ex.Path);
            errorMessage = Describe(ex);
            return false;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or ArgumentException or NotSupportedException)
        {
            value = null;
            errorPointer = string.Empty;
            errorMessage = ex.Message;
            return false;
        }
    }

    /// <summary>Writes a node as JSON, typing scalars as Kubernetes' YAML decoder does.</summary>
    public static void Write(Node node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case MappingNode map:
                writer.WriteStartObject();
                foreach (var entry in map.Entries)
                {
                    writer.WritePropertyName(entry.Key.Value);
                    Write(entry.Value, writer);
                }

                writer.WriteEndObject();
                break;
            case SequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Items)
                {
                    Write(item, writer);
                }

                writer.WriteEndArray();
                break;
            case ScalarNode scalar:
                WriteScalar(scalar, writer);
                break;
        }
    }

    private static void WriteScalar(ScalarNode scalar, Utf8JsonWriter writer)
    {
        switch (scalar.Kind)
        {
            case ScalarKind.Null:
                writer.WriteNullValue();
                break;
            case ScalarKind.Bool:
                writer.WriteBooleanValue(ScalarResolver.ToBool(scalar.Value));
                break;
            case ScalarKind.Int when ScalarResolver.TryParseInt(scalar.Value, out var l):
                writer.WriteNumberValue(l);
                break;
            case ScalarKind.Float when ScalarResolver.TryParseFloat(scalar.Value, out var d) && double.IsFinite(d):
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    writer.WriteNumberValue((long)d); // YAML "1e3" is the JSON number 1000, as sigs.k8s.io/yaml writes it
                }
                else
                {
                    writer.WriteNumberValue(d);
                }

                break;
            default:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }

    private static string Describe(JsonException ex)
    {
        // System.Text.Json says "The JSON value could not be converted to Nullable`1[Int64]"; say it in Kubernetes' terms.
        var message = ex.Message;
        const string marker = "could not be converted to ";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return (cut > 0 ? message[..cut] : message).TrimEnd('.');
        }

        var typeName = message[(at + marker.Length)..];
        var end = typeName.IndexOf(". Path:", StringComparison.Ordinal);
        typeName = end >= 0 ? typeName[..end] : typeName.TrimEnd('.');
        return "expected " + KubernetesTypeWord(typeName);
    }

    private static string KubernetesTypeWord(string dotnetType) => dotnetType switch
    {
        _ when dotnetType.Contains("Int64", StringComparison.Ordinal) || dotnetType.Contains("Int32", StringComparison.Ordinal) => "an integer",
        _ when dotnetType.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when dotnetType.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when dotnetType.Contains("IntOrString", StringComparison.Ordinal) => "an integer or a string",
        _ when dotnetType.Contains("String", StringComparison.Ordinal) && !dotnetType.Contains("IDictionary", StringComparison.Ordinal) && !dotnetType.Contains("IList", StringComparison.Ordinal) => "a string",
        _ when dotnetType.Contains("IList", StringComparison.Ordinal) => "a list",
        _ => "an object",
    };

    /// <summary>Turns System.Text.Json's "$.containers[0].securityContext" into "/containers/0/securityContext".</summary>
    internal static string PointerFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return string.Empty;
        }

        var result = new System.Text.StringBuilder();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                result.Append('/').Append(JsonPointer.Escape(path[(i + 1)..end]));
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }

                var inner = path[(i + 1)..end].Trim('\'');
                result.Append('/').Append(JsonPointer.Escape(inner));
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return result.ToString();
    }

    private static JsonSerializerOptions CaptureClientOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        var options = new JsonSerializerOptions(captured ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.Converters.Add(new SharedStringConverter());
        return options;
    }

    /// <summary>Reads strings through the <see cref="StringPool"/>: typed pod specs repeat names, images and paths.</summary>
    private sealed class SharedStringConverter : System.Text.Json.Serialization.JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                throw new JsonException($"The JSON value could not be converted to {typeof(string)}.");
            }

            if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > StringPool.MaxLength)
            {
                return StringPool.Share(reader.GetString()!);
            }

            Span<char> chars = stackalloc char[StringPool.MaxLength];
            var count = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, chars);
            return StringPool.Share(chars[..count]);
        }

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options)!;

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
