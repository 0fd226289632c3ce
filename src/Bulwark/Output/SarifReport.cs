using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Rules;

namespace Bulwark.Output;

/// <summary>
/// SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps) and IDE viewers: one run; every rule
/// that ran as a reportingDescriptor; one result per finding (suppressed findings with a suppression, when
/// --show-suppressed); input problems as tool execution notifications.
/// </summary>
public sealed class SarifReport : IReportRenderer
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The uriBaseId relative artifact URIs are expressed against: the working directory.</summary>
    public const string SourceRoot = "%SRCROOT%";

    /// <summary>The partialFingerprints key; bump the version if the hashed identity ever changes.</summary>
    public const string FingerprintKey = "bulwarkFindingHash/v1";

    public string Format => "sarif";

    public void Render(ScanResult result, ReportContext context, TextWriter output)
    {
        var descriptors = Descriptors(result, context);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < descriptors.Count; i++)
        {
            index[descriptors[i].Id] = i;
        }

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", ToolInfo.Name);
            w.WriteString("version", context.ToolVersion);
            w.WriteString("semanticVersion", context.ToolVersion);
            w.WriteString("informationUri", ToolInfo.InformationUri);
            w.WriteStartArray("rules");
            foreach (var d in descriptors)
            {
                WriteDescriptor(w, d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            WriteInvocation(w, result, context);

            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject(SourceRoot);
            w.WriteString("uri", ReportText.DirectoryUri(context.WorkingDirectory));
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("results");
            foreach (var f in result.Findings)
            {
                WriteResult(w, f, index, context);
            }

            if (context.ShowSuppressed)
            {
                foreach (var f in result.Suppressed)
                {
                    WriteResult(w, f, index, context);
                }
            }

            w.WriteEndArray();
            w.WriteString("columnKind", "utf16CodeUnits");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        output.WriteLine();
    }

    /// <summary>Maps a Bulwark severity to a SARIF level.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>The GitHub code scanning "security-severity" score (CVSS-like, 0.0 to 10.0) of a severity.</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "1.0",
    };

    private sealed record Descriptor(string Id, string Title, string Rationale, string Remediation, Severity Severity, IReadOnlyList<string> Controls, Layer? Layer);

    /// <summary>
    /// Every rule that ran, in catalog order, then any rule a finding names that the context does not know (so
    /// that every result has a descriptor and a valid ruleIndex).
    /// </summary>
    private static List<Descriptor> Descriptors(ScanResult result, ReportContext context)
    {
        var list = context.Rules
            .Select(r => new Descriptor(r.Id, r.Info.Title, r.Info.Rationale, r.Info.Remediation, r.Info.Severity, r.Info.Controls, r.Info.Layer))
            .DistinctBy(d => d.Id)
            .ToList();
        var known = list.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var shown = context.ShowSuppressed ? result.Findings.Concat(result.Suppressed) : result.Findings;
        foreach (var f in shown)
        {
            if (known.Add(f.Rule))
            {
                list.Add(new Descriptor(f.Rule, f.Title, f.Title + ".", f.Remediation, f.Severity, f.Controls, null));
            }
        }

        return list;
    }

    private static void WriteDescriptor(Utf8JsonWriter w, Descriptor d)
    {
        w.WriteStartObject();
        w.WriteString("id", d.Id);
        w.WriteString("name", ReportText.PascalCase(d.Id));
        Message(w, "shortDescription", d.Title);
        Message(w, "fullDescription", d.Rationale);
        w.WriteStartObject("help");
        w.WriteString("text", d.Remediation);
        w.WriteString("markdown", HelpMarkdown(d));
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(d.Severity));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteStartArray("tags");
        w.WriteStringValue("security");
        foreach (var c in d.Controls)
        {
            w.WriteStringValue(c);
        }

        if (d.Layer is { } layer)
        {
            w.WriteStringValue(ReportText.LayerName(layer));
        }

        w.WriteEndArray();
        w.WriteString("security-severity", SecuritySeverity(d.Severity));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string HelpMarkdown(Descriptor d)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("**").Append(d.Title).Append("**\n\n");
        sb.Append(d.Rationale).Append("\n\n");
        sb.Append("**Fix:** ").Append(d.Remediation);
        if (d.Controls.Count > 0)
        {
            sb.Append("\n\n**Controls:** ");
            sb.Append(string.Join(", ", d.Controls.Select(c => Controls.All.TryGetValue(c, out var text) ? $"{c} ({text})" : c)));
        }

        return sb.ToString();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f, Dictionary<string, int> index, ReportContext context)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.Rule);
        if (index.TryGetValue(f.Rule, out var i))
        {
            w.WriteNumber("ruleIndex", i);
        }

        w.WriteString("level", Level(f.Severity));
        Message(w, "message", $"{f.Message} ({f.Object}).");
        w.WriteStartArray("locations");
        w.WriteStartObject();
        if (f.Location is { } l && ReportText.FileUri(l.File, context.WorkingDirectory) is { } uri)
        {
            WritePhysicalLocation(w, uri, l.Line, l.Column);
        }

        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", f.Object.Name);
        w.WriteString("fullyQualifiedName", f.Object + f.Path);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, ReportText.Fingerprint(f));
        w.WriteEndObject();

        if (f.Suppressed is { } s)
        {
            w.WriteStartArray("suppressions");
            w.WriteStartObject();
            w.WriteString("kind", ReportText.IsInSource(s) ? "inSource" : "external");
            w.WriteString("status", "accepted");
            w.WriteString("justification", s.Reason);
            w.WriteStartObject("properties");
            w.WriteString("source", s.Source);
            if (s.Expires is not null)
            {
                w.WriteString("expires", s.Expires);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteStartObject("properties");
        w.WriteString("severity", f.Severity.Name());
        w.WriteStartArray("controls");
        foreach (var c in f.Controls)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteString("object", f.Object.ToString());
        w.WriteString("path", f.Path);
        if (f.Container is not null)
        {
            w.WriteString("container", f.Container);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter w, ScanResult result, ReportContext context)
    {
        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", !result.HasInputErrors);
        if (result.Errors.Count > 0)
        {
            w.WriteStartArray("toolExecutionNotifications");
            foreach (var e in result.Errors)
            {
                w.WriteStartObject();
                w.WriteString("level", e.Level == InputErrorLevel.Error ? "error" : "warning");
                var uri = ReportText.FileUri(e.File, context.WorkingDirectory);

                // Standard input has no URI (and GitHub rejects a location without one): the message says where.
                Message(w, "message", EndSentence(uri is null ? e.ToString() : e.Message));
                w.WriteStartObject("descriptor");
                w.WriteString("id", e.Kind);
                w.WriteEndObject();
                if (uri is { } u)
                {
                    w.WriteStartArray("locations");
                    w.WriteStartObject();
                    WritePhysicalLocation(w, u, e.Line, e.Column);
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

    /// <summary>A SARIF physicalLocation: the artifact (relative to SRCROOT when under the working folder) and the line and column when known.</summary>
    internal static void WritePhysicalLocation(Utf8JsonWriter w, (string Uri, bool Relative) uri, long line, int column)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", uri.Uri);
        if (uri.Relative)
        {
            w.WriteString("uriBaseId", SourceRoot);
        }

        w.WriteEndObject();
        if (line > 0)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", line);
            if (column > 0)
            {
                w.WriteNumber("startColumn", column);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static void Message(Utf8JsonWriter w, string property, string text)
    {
        w.WriteStartObject(property);
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    internal static string EndSentence(string text) =>
        text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";
}
