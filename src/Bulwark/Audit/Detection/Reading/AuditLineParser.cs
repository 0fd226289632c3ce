using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Bulwark.Audit.Detection.Reading;

/// <summary>
/// Turns one line of an audit log into events: a line holds one JSON value, an Event, an EventList (the webhook
/// backend's batches) or a JSON array of those. Everything else is an error for that line (or that item) alone.
/// </summary>
internal static class AuditLineParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static readonly IReadOnlySet<string> SupportedApiVersions = new HashSet<string>(StringComparer.Ordinal)
    {
        "audit.k8s.io/v1", "audit.k8s.io/v1beta1",
    };

    /// <summary>Parses one line and hands its events and errors to the sink; returns the number of events.</summary>
    public static int Parse(ReadOnlyMemory<byte> line, string source, long lineNumber, AuditLogOptions options, IAuditRecordSink sink)
    {
        var span = line.Span;
        var first = 0;
        while (first < span.Length && IsSpace(span[first]))
        {
            first++;
        }

        var last = span.Length - 1;
        while (last >= first && IsSpace(span[last]))
        {
            last--;
        }

        if (last < first)
        {
            return 0;
        }

        // A UTF-8 byte order mark (at the start of a file) is not part of the JSON.
        if (last - first >= 2 && span[first] == 0xEF && span[first + 1] == 0xBB && span[first + 2] == 0xBF)
        {
            first += 3;
        }

        var text = line.Slice(first, last - first + 1);
        var bytes = text.Span;
        if (options.AllowComments && bytes[0] == (byte)'#')
        {
            return 0;
        }

        if (bytes[0] != (byte)'{' && bytes[0] != (byte)'[')
        {
            sink.OnError(new AuditLogError(source, lineNumber, "not JSON: expected an audit Event, an EventList or an array of them"));
            return 0;
        }

        if (!Utf8.IsValid(bytes))
        {
            sink.OnError(new AuditLogError(source, lineNumber, "invalid UTF-8: the line is skipped"));
            return 0;
        }

        if (bytes.Length > options.MaxEventBytes && bytes[0] == (byte)'{' && !LooksLikeEventList(bytes))
        {
            sink.OnError(new AuditLogError(source, lineNumber, TooLarge(bytes.Length, options)));
            return 0;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException e)
        {
            sink.OnError(new AuditLogError(source, lineNumber, Malformed(e, bytes)));
            return 0;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return Interpret(root, source, lineNumber, options, sink, inList: false, checkSize: false);
            }

            var count = 0;
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    sink.OnError(new AuditLogError(source, lineNumber, $"array item {index} is not an object"));
                    continue;
                }

                count += Interpret(item, source, lineNumber, options, sink, inList: false, checkSize: true);
            }

            return count;
        }
    }

    private static int Interpret(JsonElement e, string source, long line, AuditLogOptions options, IAuditRecordSink sink, bool inList, bool checkSize)
    {
        var kind = Str(e, "kind");
        var apiVersion = Str(e, "apiVersion");
        var isList = kind == "EventList" && !inList;
        var known = kind == "Event" || isList || (kind is null && e.TryGetProperty("verb", out _));
        if (!known)
        {
            sink.OnError(new AuditLogError(source, line, kind is null
                ? "not an audit Event (no kind and no verb)"
                : $"not an audit Event (kind \"{kind}\")"));
            return 0;
        }

        if (apiVersion is not null && !SupportedApiVersions.Contains(apiVersion))
        {
            sink.OnError(new AuditLogError(source, line, $"unsupported apiVersion \"{apiVersion}\" (Bulwark reads audit.k8s.io/v1 and audit.k8s.io/v1beta1)"));
            return 0;
        }

        if (isList)
        {
            if (!e.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                if (items.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null)
                {
                    sink.OnError(new AuditLogError(source, line, "EventList items is not an array"));
                }

                return 0;
            }

            var count = 0;
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    sink.OnError(new AuditLogError(source, line, $"EventList item {index} is not an object"));
                    continue;
                }

                count += Interpret(item, source, line, options, sink, inList: true, checkSize: true);
            }

            return count;
        }

        if (checkSize && JsonMarshal.GetRawUtf8Value(e).Length is var size && size > options.MaxEventBytes)
        {
            sink.OnError(new AuditLogError(source, line, TooLarge(size, options)));
            return 0;
        }

        // Falco's reader treats an object without auditID as "not an audit event" (every field fails); say so instead.
        if (!e.TryGetProperty("auditID", out var id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(ReadOnlySpan<byte>.Empty))
        {
            sink.OnError(new AuditLogError(source, line, "not an audit Event (no auditID)"));
            return 0;
        }

        sink.OnEvent(new AuditRecord(e, source, line));
        return 1;
    }

    private static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool LooksLikeEventList(ReadOnlySpan<byte> bytes) =>
        bytes[..Math.Min(bytes.Length, 4096)].IndexOf("\"EventList\""u8) >= 0;

    private static string TooLarge(int bytes, AuditLogOptions options) =>
        $"event larger than {Size(options.MaxEventBytes)} ({Size(bytes)}): skipped";

    internal static string Size(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
        ? $"{(bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MiB"
        : bytes >= 1024 * 1024
            ? $"{(bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MiB"
            : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";

    private static string Malformed(JsonException e, ReadOnlySpan<byte> bytes)
    {
        if (IsTruncated(bytes))
        {
            return "truncated JSON (the line ends before the value is complete)";
        }

        var at = e.BytePositionInLine ?? 0;
        var message = e.Message;
        // System.Text.Json appends " Path: ..." or " LineNumber: 0 | BytePositionInLine: N."; the byte is printed apart.
        foreach (var suffix in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(suffix, StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
        }

        message = message.TrimEnd('.', ' ');
        return $"malformed JSON at byte {(at + 1).ToString(CultureInfo.InvariantCulture)}: {message}";
    }

    /// <summary>Whether the text is a valid beginning of JSON that stops before its value is complete.</summary>
    private static bool IsTruncated(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 }));
        try
        {
            while (reader.Read())
            {
            }

            // Everything read without an error, yet the document did not parse: the value stops before its end.
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
