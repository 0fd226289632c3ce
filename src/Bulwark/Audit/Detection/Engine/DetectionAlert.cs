using System.Text.Json;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Findings;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>The parts of an audit event an alert shows (copied out of the event, which does not outlive the read).</summary>
public sealed record AlertEvent
{
    public string? AuditId { get; init; }

    public string? Stage { get; init; }

    public string? Verb { get; init; }

    /// <summary>user.username, for tables.</summary>
    public string? Username { get; init; }

    /// <summary>The event's user object (username, uid, groups, extra) as raw JSON; empty when absent.</summary>
    public ReadOnlyMemory<byte> UserJson { get; init; }

    public IReadOnlyList<string> SourceIps { get; init; } = [];

    public string? UserAgent { get; init; }

    /// <summary>The event's objectRef as raw JSON; empty when absent (non-resource requests).</summary>
    public ReadOnlyMemory<byte> ObjectRefJson { get; init; }

    public string? RequestUri { get; init; }

    /// <summary>The event's responseStatus as raw JSON; empty when absent.</summary>
    public ReadOnlyMemory<byte> ResponseStatusJson { get; init; }

    /// <summary>stageTimestamp (else requestReceivedTimestamp, else timestamp).</summary>
    public string? Time { get; init; }

    /// <summary>The user object, parsed (null when absent).</summary>
    public JsonElement? User => Parse(UserJson);

    /// <summary>The objectRef, parsed (null when absent).</summary>
    public JsonElement? ObjectRef => Parse(ObjectRefJson);

    /// <summary>The responseStatus, parsed (null when absent).</summary>
    public JsonElement? ResponseStatus => Parse(ResponseStatusJson);

    internal static AlertEvent From(JsonElement e) => new()
    {
        AuditId = JsonValues.Str(e, "auditID"),
        Stage = JsonValues.Str(e, "stage"),
        Verb = JsonValues.Str(e, "verb"),
        Username = JsonValues.AsString(JsonValues.Path(e, "user", "username")),
        UserJson = Raw(JsonValues.Prop(e, "user")),
        SourceIps = JsonValues.Strings(JsonValues.Prop(e, "sourceIPs")) ?? [],
        UserAgent = JsonValues.Str(e, "userAgent"),
        ObjectRefJson = Raw(JsonValues.Prop(e, "objectRef")),
        RequestUri = JsonValues.Str(e, "requestURI"),
        ResponseStatusJson = Raw(JsonValues.Prop(e, "responseStatus")),
        Time = JsonValues.Str(e, "stageTimestamp") ?? JsonValues.Str(e, "requestReceivedTimestamp") ?? JsonValues.Str(e, "timestamp"),
    };

    private static ReadOnlyMemory<byte> Raw(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e).ToArray() : ReadOnlyMemory<byte>.Empty;

    private static JsonElement? Parse(ReadOnlyMemory<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(raw);
        return doc.RootElement.Clone();
    }
}

/// <summary>An alert: which rule fired, its message, the event, and where the event was read.</summary>
public sealed record DetectionAlert
{
    public required CompiledRule Rule { get; init; }

    public required string Message { get; init; }

    public required AlertEvent Event { get; init; }

    /// <summary>The file the event was read from ("-" for standard input).</summary>
    public required string File { get; init; }

    public required long Line { get; init; }

    public string RuleId => Rule.Id;

    public Severity Severity => Rule.Severity;
}
