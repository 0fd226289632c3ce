using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Network.Analysis;

namespace Bulwark.Network.Rendering;

/// <summary>Writes a connectivity report as JSON, CSV, Markdown or Graphviz dot.</summary>
public static class ConnectivityWriter
{
    private const int FlushThreshold = 1 << 16;

    public static void WriteJson(Utf8JsonWriter w, PolicyEvaluator evaluator, ConnectivityReport report)
    {
        w.WriteStartObject();
        NetworkJson.WriteAssumptions(w, evaluator);
        w.WriteStartArray("connections");
        foreach (var c in report.Connections)
        {
            w.WriteStartObject();
            NetworkJson.WriteEndpoint(w, "src", c.Source);
            NetworkJson.WriteEndpoint(w, "dst", c.Destination);
            NetworkJson.WriteConnections(w, "allowed", c.Allowed);
            w.WriteEndObject();
            if (w.BytesPending > FlushThreshold)
            {
                w.Flush(); // hand the written part to the output stream; the writer would otherwise buffer it all
            }
        }

        w.WriteEndArray();
        NetworkJson.WriteSideLists(w, report.PolicyEffectUnknown, report.NotEvaluated, report.Warnings, report.Errors);
        w.WriteEndObject();
    }

    /// <summary>Endpoint text for the flat formats: <c>ns/Kind/name</c>, or the ranges joined by spaces.</summary>
    public static string Text(Endpoint endpoint) => endpoint switch
    {
        WorkloadEndpoint w => w.Workload.Ref.ToString(),
        ExternalEndpoint x => string.Join(" ", x.Addresses.Ranges.Select(NetworkJson.RangeText)),
        _ => endpoint.ToString() ?? string.Empty,
    };

    public static string Csv(ConnectivityReport report)
    {
        var sb = new StringBuilder();
        sb.Append("src,dst,allowed\n");
        foreach (var c in report.Connections)
        {
            sb.Append(CsvField(Text(c.Source))).Append(',').Append(CsvField(Text(c.Destination))).Append(',').Append(CsvField(c.Allowed.ToString())).Append('\n');
        }

        return sb.ToString();
    }

    public static string Markdown(PolicyEvaluator evaluator, ConnectivityReport report)
    {
        var sb = new StringBuilder();
        sb.Append("# Connectivity\n\n");
        if (report.Connections.Count == 0)
        {
            sb.Append("No connection is allowed.\n");
        }
        else
        {
            sb.Append("| Source | Destination | Allowed |\n|---|---|---|\n");
            foreach (var c in report.Connections)
            {
                sb.Append("| ").Append(Md(Text(c.Source))).Append(" | ").Append(Md(Text(c.Destination))).Append(" | ").Append(Md(c.Allowed.ToString())).Append(" |\n");
            }
        }

        AppendNotes(sb, evaluator, report, "\n## ", "- ");
        return sb.ToString();
    }

    /// <summary>A Graphviz digraph: one cluster per namespace, external ranges as boxes, edges labelled with the connections.</summary>
    public static string Dot(ConnectivityReport report)
    {
        var sb = new StringBuilder();
        sb.Append("digraph connectivity {\n  rankdir=LR;\n  node [shape=ellipse, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
        var workloads = report.Connections.SelectMany(c => new[] { c.Source, c.Destination }).OfType<WorkloadEndpoint>()
            .Select(e => e.Workload).Concat(report.PolicyEffectUnknown).Distinct().OrderBy(w => w.Ref).ToList();
        var i = 0;
        foreach (var group in workloads.GroupBy(w => w.Namespace, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  subgraph cluster_{i++} {{\n    label={Quote(group.Key)};\n");
            foreach (var w in group)
            {
                var style = w.HostNetwork ? ", style=dashed, tooltip=\"hostNetwork: policy effect unknown\"" : string.Empty;
                sb.Append(CultureInfo.InvariantCulture, $"    {Quote(w.Ref.ToString())} [label={Quote($"{w.Kind}/{w.Name}")}{style}];\n");
            }

            sb.Append("  }\n");
        }

        foreach (var external in report.Connections.SelectMany(c => new[] { c.Source, c.Destination }).OfType<ExternalEndpoint>().Select(Text).Distinct(StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {Quote(external)} [shape=box, label={Quote(external.Replace(" ", "\n", StringComparison.Ordinal))}];\n");
        }

        foreach (var c in report.Connections)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {Quote(Text(c.Source))} -> {Quote(Text(c.Destination))} [label={Quote(c.Allowed.ToString())}];\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>The assumptions and side lists as text sections (shared by table and Markdown output).</summary>
    public static void AppendNotes(StringBuilder sb, PolicyEvaluator evaluator, ConnectivityReport report, string heading, string bullet)
    {
        sb.Append(heading).Append("Assumptions\n\n");
        foreach (var (name, value) in evaluator.Assumptions)
        {
            sb.Append(bullet).Append(name).Append(": ").Append(value).Append('\n');
        }

        if (report.PolicyEffectUnknown.Count > 0)
        {
            sb.Append(heading).Append("Policy effect unknown (hostNetwork, not computed)\n\n");
            foreach (var w in report.PolicyEffectUnknown)
            {
                sb.Append(bullet).Append(w.Ref).Append('\n');
            }
        }

        if (report.NotEvaluated.Count > 0)
        {
            sb.Append(heading).Append("Present but not evaluated (their effect is missing from this report)\n\n");
            foreach (var o in report.NotEvaluated)
            {
                sb.Append(bullet).Append(o).Append(": ").Append(o.Note).Append('\n');
            }
        }

        if (report.Errors.Count > 0)
        {
            sb.Append(heading).Append("Invalid policies (rejected by the API server; not evaluated)\n\n");
            foreach (var e in report.Errors)
            {
                sb.Append(bullet).Append(e).Append('\n');
            }
        }

        if (report.Warnings.Count > 0)
        {
            sb.Append(heading).Append("Warnings\n\n");
            foreach (var warning in report.Warnings)
            {
                sb.Append(bullet).Append(warning).Append('\n');
            }
        }
    }

    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', ';']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Md(string value) => value.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
