using System.Text.Json;

namespace Bulwark.Audit.Detection.Reading;

/// <summary>
/// One audit event as the reader hands it out: the parsed JSON and where it was read. The JSON is only valid during
/// the callback that receives it (the reader reuses its buffers and pooled documents); clone what must outlive it.
/// </summary>
public readonly record struct AuditRecord(JsonElement Root, string Source, long Line);

/// <summary>A line (or an item of an EventList) that is not a usable audit event; reading goes on after it.</summary>
public sealed record AuditLogError(string Source, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Message}" : $"{Source}: {Message}";
}

/// <summary>Receives what a reader finds, in input order.</summary>
public interface IAuditRecordSink
{
    void OnEvent(in AuditRecord record);

    void OnError(AuditLogError error);
}

/// <summary>A sink made of two callbacks.</summary>
public sealed class DelegateRecordSink(Action<AuditRecord> onEvent, Action<AuditLogError> onError) : IAuditRecordSink
{
    public void OnEvent(in AuditRecord record) => onEvent(record);

    public void OnError(AuditLogError error) => onError(error);
}
