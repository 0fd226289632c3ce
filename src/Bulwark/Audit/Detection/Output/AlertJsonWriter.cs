using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Findings;

namespace Bulwark.Audit.Detection.Output;

/// <summary>An input or rules problem of a run, as the outputs list it.</summary>
public sealed record DetectionError(string Kind, string File, long Line, int Column, string Message)
{
    public static DetectionError From(AuditLogError e) => new("input", e.Source, e.Line, 0, e.Message);

    public static DetectionError From(RuleLoadError e) => new("rules", e.File, e.Line, e.Column, e.Message);

    public override string ToString() => Line > 0
        ? Column > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}: {Message}"
        : $"{File}: {Message}";
}

/// <summary>
/// The JSON outputs of <c>bulwark audit detect</c>: the document
/// <c>{"alerts":[...],"errors":[...],"stats":{...}}</c> and JSON lines (one alert per line, for --follow).
/// </summary>
public static class AlertJsonWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Document(IReadOnlyList<DetectionAlert> alerts, IReadOnlyList<DetectionError> errors, DetectionStats stats, int rulesRun)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Indented))
        {
            w.WriteStartObject();
            w.WriteStartArray("alerts");
            foreach (var a in alerts)
            {
                WriteAlert(w, a);
            }

            w.WriteEndArray();
            w.WriteStartArray("errors");
            foreach (var e in errors)
            {
                w.WriteStartObject();
                w.WriteString("kind", e.Kind);
                w.WriteString("file", e.File);
                w.WriteNumber("line", e.Line);
                if (e.Column > 0)
                {
                    w.WriteNumber("column", e.Column);
                }

                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteStats(w, stats, rulesRun);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>One alert as one line of JSON (no line break).</summary>
    public static string Line(DetectionAlert alert)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Compact))
        {
            WriteAlert(w, alert);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void WriteAlert(Utf8JsonWriter w, DetectionAlert a)
    {
        var def = a.Rule.Definition;
        w.WriteStartObject();
        w.WriteString("rule", def.Id);
        w.WriteString("title", def.Title);
        w.WriteString("severity", def.Severity.Name());
        Strings(w, "controls", def.Controls);
        w.WriteString("message", a.Message);
        Strings(w, "equivalents", def.Equivalents);
        var e = a.Event;
        w.WriteStartObject("event");
        OptionalString(w, "auditID", e.AuditId);
        OptionalString(w, "stage", e.Stage);
        OptionalString(w, "verb", e.Verb);
        OptionalObject(w, "user", e.UserJson);
        Strings(w, "sourceIPs", e.SourceIps);
        OptionalString(w, "userAgent", e.UserAgent);
        OptionalObject(w, "objectRef", e.ObjectRefJson);
        OptionalString(w, "requestURI", e.RequestUri);
        OptionalObject(w, "responseStatus", e.ResponseStatusJson);
        w.WriteEndObject();
        w.WriteStartObject("location");
        w.WriteString("file", a.File);
        w.WriteNumber("line", a.Line);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter w, DetectionStats stats, int rulesRun)
    {
        var rules = stats.Rules;
        w.WriteStartObject("stats");
        w.WriteNumber("files", stats.Files);
        w.WriteNumber("events", stats.Events);
        w.WriteNumber("errors", stats.Errors);
        w.WriteNumber("alerts", stats.Alerts);
        w.WriteNumber("rules", rulesRun);
        Counts(w, "alertsByRule", rules.Select(r => (r.Rule, r.Alerts)));
        Counts(w, "skippedForMissingFieldsByRule", rules.Select(r => (r.Rule, r.SkippedForMissingFields)));
        Counts(w, "suppressedByRule", rules.Select(r => (r.Rule, r.Suppressed)));
        w.WriteEndObject();
    }

    private static void Counts(Utf8JsonWriter w, string name, IEnumerable<(string Rule, long Count)> counts)
    {
        w.WriteStartObject(name);
        foreach (var (rule, count) in counts.Where(c => c.Count > 0))
        {
            w.WriteNumber(rule, count);
        }

        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void OptionalString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void OptionalObject(Utf8JsonWriter w, string name, ReadOnlyMemory<byte> raw)
    {
        w.WritePropertyName(name);
        if (raw.IsEmpty)
        {
            w.WriteNullValue();
        }
        else
        {
            // Re-read rather than copied raw, so that the indentation and escaping follow the writer's.
            using var doc = JsonDocument.Parse(raw);
            doc.RootElement.WriteTo(w);
        }
    }
}
