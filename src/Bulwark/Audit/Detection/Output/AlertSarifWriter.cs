using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Findings;
using Bulwark.Output;

namespace Bulwark.Audit.Detection.Output;

/// <summary>
/// SARIF 2.1.0 for <c>bulwark audit detect</c>, shaped like the scan's SARIF (<see cref="SarifReport"/>): one run;
/// the rules that ran as reportingDescriptors; one result per alert located at the audit log's file and line;
/// reading and rule errors as tool execution notifications.
/// </summary>
public static class AlertSarifWriter
{
    public const string FingerprintKey = "bulwarkAuditAlertHash/v1";

    public static string Write(IReadOnlyList<DetectionAlert> alerts, IReadOnlyList<DetectionError> errors, IReadOnlyList<CompiledRule> rules, string workingDirectory)
    {
        var descriptors = rules.Select(r => r.Definition).ToList();
        foreach (var a in alerts)
        {
            if (!descriptors.Any(d => d.Id == a.RuleId))
            {
                descriptors.Add(a.Rule.Definition);
            }
        }

        var index = descriptors.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SarifReport.SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", ToolInfo.Name);
            w.WriteString("version", ToolInfo.Version);
            w.WriteString("semanticVersion", ToolInfo.Version);
            w.WriteString("informationUri", ToolInfo.InformationUri);
            w.WriteStartArray("rules");
            foreach (var d in descriptors)
            {
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteString("name", ReportText.PascalCase(d.Id));
                Message(w, "shortDescription", d.Title);
                Message(w, "fullDescription", string.IsNullOrWhiteSpace(d.Description) ? d.Title + "." : d.Description.Trim());
                w.WriteStartObject("help");
                var help = HelpText(d);
                w.WriteString("text", help);
                w.WriteString("markdown", help);
                w.WriteEndObject();
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", SarifReport.Level(d.Severity));
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteStartArray("tags");
                w.WriteStringValue("security");
                w.WriteStringValue("audit");
                foreach (var c in d.Controls)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteString("security-severity", SarifReport.SecuritySeverity(d.Severity));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            WriteInvocation(w, errors, workingDirectory);
            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject(SarifReport.SourceRoot);
            w.WriteString("uri", ReportText.DirectoryUri(workingDirectory));
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("results");
            foreach (var a in alerts)
            {
                WriteResult(w, a, index[a.RuleId], workingDirectory);
            }

            w.WriteEndArray();
            w.WriteString("columnKind", "utf16CodeUnits");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string HelpText(Rules.RuleDefinition d)
    {
        var text = new StringBuilder(string.IsNullOrWhiteSpace(d.Description) ? d.Title + "." : d.Description.Trim());
        if (d.Equivalents.Count > 0)
        {
            text.Append(" Equivalent rules: ").Append(string.Join(", ", d.Equivalents)).Append('.');
        }

        return text.ToString();
    }

    private static void WriteResult(Utf8JsonWriter w, DetectionAlert a, int ruleIndex, string workingDirectory)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", a.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", SarifReport.Level(a.Severity));
        Message(w, "message", EndSentence(a.Message));
        w.WriteStartArray("locations");
        w.WriteStartObject();
        if (ReportText.FileUri(a.File, workingDirectory) is { } uri)
        {
            PhysicalLocation(w, uri, a.Line);
        }

        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", a.Event.AuditId ?? "event");
        w.WriteString("fullyQualifiedName", $"{a.Event.AuditId}/{a.Event.Stage}");
        w.WriteString("kind", "object");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{a.RuleId}\n{a.Event.AuditId}\n{a.Event.Stage}"))));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("severity", a.Severity.Name());
        w.WriteStartArray("controls");
        foreach (var c in a.Rule.Definition.Controls)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteStartArray("equivalents");
        foreach (var q in a.Rule.Definition.Equivalents)
        {
            w.WriteStringValue(q);
        }

        w.WriteEndArray();
        if (a.Event.AuditId is { } id)
        {
            w.WriteString("auditID", id);
        }

        if (a.Event.Username is { } user)
        {
            w.WriteString("user", user);
        }

        if (a.Event.Time is { } time)
        {
            w.WriteString("time", time);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter w, IReadOnlyList<DetectionError> errors, string workingDirectory)
    {
        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", errors.Count == 0);
        if (errors.Count > 0)
        {
            w.WriteStartArray("toolExecutionNotifications");
            foreach (var e in errors)
            {
                w.WriteStartObject();
                w.WriteString("level", "error");
                var uri = ReportText.FileUri(e.File, workingDirectory);
                var fileless = uri is null || e.File.StartsWith("builtin:", StringComparison.Ordinal);
                Message(w, "message", EndSentence(fileless ? e.ToString() : e.Message));
                w.WriteStartObject("descriptor");
                w.WriteString("id", e.Kind);
                w.WriteEndObject();
                if (!fileless)
                {
                    w.WriteStartArray("locations");
                    w.WriteStartObject();
                    PhysicalLocation(w, uri!.Value, e.Line, e.Column);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void PhysicalLocation(Utf8JsonWriter w, (string Uri, bool Relative) uri, long line, int column = 0) =>
        SarifReport.WritePhysicalLocation(w, uri, line, column);

    private static void Message(Utf8JsonWriter w, string property, string text) => SarifReport.Message(w, property, text);

    private static string EndSentence(string text) => SarifReport.EndSentence(text);
}
