using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Bulwark.Audit;

/// <summary>Limits of the audit reader.</summary>
public sealed record AuditReadOptions
{
    /// <summary>
    /// The largest event kept, in characters, not counting requestObject and responseObject (which are skipped
    /// while reading). A larger event is reported as an error and skipped.
    /// </summary>
    public int MaxEventChars { get; init; } = 4 * 1024 * 1024;
}

/// <summary>
/// Reads Kubernetes audit events (audit.k8s.io/v1 and v1beta1) from the log backend's JSON lines, from EventList
/// bodies as the webhook backend posts them (one per line or pretty-printed over many lines), or from JSON arrays of
/// either; plain or gzip-compressed (detected by content). Reading streams: the file is never held in memory, the
/// items of an EventList are read one at a time, and request and response bodies are skipped as they are read.
/// Anything that is not an event (a malformed or truncated line, an object of another kind, an unsupported
/// apiVersion) is reported as an error with its file and line, and reading goes on with the next line or item.
/// </summary>
public static class AuditEventReader
{
    public static readonly IReadOnlySet<string> SupportedApiVersions = new HashSet<string>(StringComparer.Ordinal)
    {
        "audit.k8s.io/v1", "audit.k8s.io/v1beta1",
    };

    /// <summary>Reads one file, plain or gzip; an unreadable file is a single error entry.</summary>
    public static IEnumerable<AuditEntry> ReadFile(string path, AuditReadOptions? options = null)
    {
        Stream? stream = null;
        string? failure = null;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            failure = e.Message;
        }

        if (stream is null)
        {
            yield return new AuditEntry(null, new AuditReadError(path, 0, $"cannot read the file: {failure}"));
            yield break;
        }

        using (stream)
        {
            foreach (var entry in Read(stream, path, options))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Reads a stream; a seekable stream starting with the gzip magic bytes is decompressed.</summary>
    public static IEnumerable<AuditEntry> Read(Stream stream, string source, AuditReadOptions? options = null)
    {
        var input = stream;
        if (stream.CanSeek && IsGzip(stream))
        {
            input = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        }

        using var reader = new StreamReader(input, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        foreach (var entry in Read(reader, source, options))
        {
            yield return entry;
        }
    }

    /// <summary>Reads text (JSON lines, EventLists, arrays).</summary>
    public static IEnumerable<AuditEntry> Read(TextReader reader, string source, AuditReadOptions? options = null)
    {
        var splitter = new AuditJsonSplitter(reader, source, options ?? new AuditReadOptions());
        while (splitter.TryNext(out var entry))
        {
            yield return entry;
        }
    }

    private static bool IsGzip(Stream stream)
    {
        var start = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>Turns one parsed JSON object into events (an Event, or the items of an EventList) or errors.</summary>
    internal static IEnumerable<AuditEntry> Interpret(JsonElement root, string source, long line, bool inList)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield return Error(source, line, $"expected an audit Event object, found a JSON {root.ValueKind.ToString().ToLowerInvariant()}");
            yield break;
        }

        var kind = Str(root, "kind");
        var apiVersion = Str(root, "apiVersion");
        var known = kind == "Event" || (kind == "EventList" && !inList) || (kind.Length == 0 && root.TryGetProperty("verb", out _));
        if (known && apiVersion.Length > 0 && !SupportedApiVersions.Contains(apiVersion))
        {
            yield return Error(source, line, $"unsupported apiVersion \"{apiVersion}\" (Bulwark reads audit.k8s.io/v1 and audit.k8s.io/v1beta1)");
            yield break;
        }

        if (kind == "EventList" && !inList)
        {
            if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    foreach (var entry in Interpret(item, source, line, inList: true))
                    {
                        yield return entry;
                    }
                }
            }

            yield break;
        }

        // Items of an EventList and hand-made logs may omit kind; an object with a verb is then taken as an Event.
        if (!known)
        {
            yield return Error(source, line, kind.Length == 0
                ? "not an audit Event (no kind and no verb)"
                : $"not an audit Event (kind \"{kind}\")");
            yield break;
        }

        yield return new AuditEntry(ToEvent(root, source, line, apiVersion), null);
    }

    private static AuditEvent ToEvent(JsonElement e, string source, long line, string apiVersion)
    {
        AuditObjectRef? objectRef = null;
        if (e.TryGetProperty("objectRef", out var o) && o.ValueKind == JsonValueKind.Object)
        {
            objectRef = new AuditObjectRef(Str(o, "resource"), Str(o, "subresource"), Str(o, "namespace"), Str(o, "name"), Str(o, "apiGroup"), Str(o, "apiVersion"));
        }

        int? code = null;
        if (e.TryGetProperty("responseStatus", out var status) && status.ValueKind == JsonValueKind.Object &&
            status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var parsed))
        {
            code = parsed;
        }

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in a.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    annotations[p.Name] = p.Value.GetString()!;
                }
            }
        }

        return new AuditEvent
        {
            ApiVersion = apiVersion,
            AuditId = Str(e, "auditID"),
            Stage = Str(e, "stage"),
            Level = Str(e, "level"),
            Verb = Str(e, "verb"),
            RequestUri = Str(e, "requestURI"),
            User = User(e, "user") ?? new AuditUser(string.Empty, []),
            ImpersonatedUser = User(e, "impersonatedUser"),
            ObjectRef = objectRef,
            ResponseCode = code,
            Timestamp = Time(e, "stageTimestamp") ?? Time(e, "requestReceivedTimestamp") ?? Time(e, "timestamp"),
            Annotations = annotations,
            Source = source,
            Line = line,
        };
    }

    private static AuditUser? User(JsonElement e, string property)
    {
        if (!e.TryGetProperty(property, out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var groups = new List<string>();
        if (u.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array)
        {
            groups.AddRange(g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
        }

        return new AuditUser(Str(u, "username"), groups);
    }

    private static DateTimeOffset? Time(JsonElement e, string property) =>
        Str(e, property) is { Length: > 0 } text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : null;

    private static string Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    private static AuditEntry Error(string source, long line, string message) => new(null, new AuditReadError(source, line, message));
}
