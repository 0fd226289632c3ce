using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Rules;

namespace Bulwark.Output;

/// <summary>
/// The documented, stable JSON output (docs/json-output.md): tool, findings, suppressed (with
/// --show-suppressed), errors, summary. Fields are only ever added, never renamed.
/// </summary>
public sealed class JsonReport : IReportRenderer
{
    public string Format => "json";

    public void Render(ScanResult result, ReportContext context, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteString("name", ToolInfo.Name);
            w.WriteString("version", context.ToolVersion);
            w.WriteEndObject();

            w.WriteStartArray("findings");
            foreach (var f in result.Findings)
            {
                WriteFinding(w, f);
            }

            w.WriteEndArray();

            if (context.ShowSuppressed)
            {
                w.WriteStartArray("suppressed");
                foreach (var f in result.Suppressed)
                {
                    WriteFinding(w, f);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("errors");
            foreach (var e in result.Errors)
            {
                w.WriteStartObject();
                w.WriteString("file", e.File);
                w.WriteNumber("line", e.Line);
                w.WriteNumber("column", e.Column);
                w.WriteString("kind", e.Kind);
                w.WriteString("level", e.Level == InputErrorLevel.Error ? "error" : "warning");
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteSummary(w, result, context);
            w.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        output.WriteLine();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        WriteFindingFields(w, f);
        w.WriteEndObject();
    }

    /// <summary>The fields of one finding in the documented schema, for writers that add fields of their own (rbac risks).</summary>
    public static void WriteFindingFields(Utf8JsonWriter w, Finding f)
    {
        w.WriteString("rule", f.Rule);
        w.WriteString("title", f.Title);
        w.WriteString("severity", f.Severity.Name());
        w.WriteStartArray("controls");
        foreach (var c in f.Controls)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteString("message", f.Message);
        w.WriteStartObject("object");
        w.WriteString("apiVersion", f.Object.ApiVersion);
        w.WriteString("kind", f.Object.Kind);
        if (f.Object.Namespace is null)
        {
            w.WriteNull("namespace");
        }
        else
        {
            w.WriteString("namespace", f.Object.Namespace);
        }

        w.WriteString("name", f.Object.Name);
        w.WriteEndObject();
        if (f.Container is not null)
        {
            w.WriteString("container", f.Container);
        }

        w.WriteString("path", f.Path);
        if (f.Location is { } l)
        {
            w.WriteStartObject("location");
            w.WriteString("file", l.File);
            w.WriteNumber("line", l.Line);
            w.WriteNumber("column", l.Column);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("location");
        }

        w.WriteString("remediation", f.Remediation);
        if (f.Fix is { } fix)
        {
            w.WriteStartObject("fix");
            w.WriteString("description", fix.Description);
            w.WriteStartArray("patch");
            foreach (var op in fix.Operations)
            {
                w.WriteStartObject();
                w.WriteString("op", op.Op);
                w.WriteString("path", op.Path);
                if (op.Op != "remove")
                {
                    w.WritePropertyName("value");
                    JsonSerializer.Serialize(w, op.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (f.Suppressed is { } s)
        {
            w.WriteStartObject("suppression");
            w.WriteString("source", s.Source);
            w.WriteString("reason", s.Reason);
            if (s.Expires is not null)
            {
                w.WriteString("expires", s.Expires);
            }

            w.WriteEndObject();
        }
    }

    private static void WriteSummary(Utf8JsonWriter w, ScanResult result, ReportContext context)
    {
        w.WriteStartObject("summary");
        w.WriteNumber("files", result.FileCount);
        w.WriteNumber("objects", result.ObjectCount);
        w.WriteNumber("findings", result.Findings.Count);
        w.WriteNumber("suppressed", result.Suppressed.Count);
        w.WriteNumber("errors", result.Errors.Count(e => e.Level == InputErrorLevel.Error));
        w.WriteNumber("warnings", result.Errors.Count(e => e.Level == InputErrorLevel.Warning));
        w.WriteStartObject("bySeverity");
        foreach (var severity in Enum.GetValues<Severity>().Reverse())
        {
            w.WriteNumber(severity.Name(), result.Findings.Count(f => f.Severity == severity));
        }

        w.WriteEndObject();
        w.WriteStartObject("byLayer");
        var layerOf = context.Rules.ToDictionary(r => r.Id, r => r.Info.Layer);
        foreach (var layer in Enum.GetValues<Layer>())
        {
            w.WriteNumber(layer.ToString().ToLowerInvariant(), result.Findings.Count(f => layerOf.TryGetValue(f.Rule, out var l) && l == layer));
        }

        w.WriteEndObject();
        w.WriteString("failOn", context.FailOn?.Name() ?? "none");
        w.WriteBoolean("failed", result.Fails(context.FailOn));
        w.WriteEndObject();
    }
}
