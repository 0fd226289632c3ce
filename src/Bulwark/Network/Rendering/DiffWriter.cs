using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Network.Analysis;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Rendering;

/// <summary>Writes a <see cref="ConnectivityDiff"/> as JSON, CSV, Markdown or plain text lines.</summary>
public static class DiffWriter
{
    /// <summary>
    /// <c>{"assumptions", "summary", "workloadsAdded", "workloadsRemoved", "changes": [{"change", "src", "dst", "before",
    /// "after", "added", "removed"}], "before": {side lists}, "after": {side lists}}</c>; connection sets as in the
    /// connectivity JSON (<c>[]</c> for nothing).
    /// </summary>
    public static void WriteJson(Utf8JsonWriter w, ConnectivityDiff diff, PolicyEvaluator afterEvaluator, ConnectivityReport beforeReport,
        ConnectivityReport afterReport)
    {
        w.WriteStartObject();
        NetworkJson.WriteAssumptions(w, afterEvaluator);
        w.WriteStartObject("summary");
        w.WriteBoolean("identical", diff.IsEmpty);
        w.WriteNumber("added", diff.Count(ChangeKind.Added));
        w.WriteNumber("removed", diff.Count(ChangeKind.Removed));
        w.WriteNumber("changed", diff.Count(ChangeKind.Changed));
        w.WriteNumber("workloadsAdded", diff.WorkloadsAdded.Count);
        w.WriteNumber("workloadsRemoved", diff.WorkloadsRemoved.Count);
        w.WriteEndObject();
        foreach (var (name, list) in new[] { ("workloadsAdded", diff.WorkloadsAdded), ("workloadsRemoved", diff.WorkloadsRemoved) })
        {
            w.WriteStartArray(name);
            foreach (var reference in list)
            {
                w.WriteStartObject();
                NetworkJson.WriteWorkloadFields(w, reference);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("changes");
        foreach (var c in diff.Changes)
        {
            w.WriteStartObject();
            w.WriteString("change", ConnectionChange.Name(c.Kind));
            NetworkJson.WriteEndpoint(w, "src", c.Source);
            NetworkJson.WriteEndpoint(w, "dst", c.Destination);
            NetworkJson.WriteConnections(w, "before", c.Before);
            NetworkJson.WriteConnections(w, "after", c.After);
            NetworkJson.WriteConnections(w, "added", c.Gained);
            NetworkJson.WriteConnections(w, "removed", c.Lost);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        foreach (var (name, report) in new[] { ("before", beforeReport), ("after", afterReport) })
        {
            w.WriteStartObject(name);
            w.WriteNumber("connections", report.Connections.Count);
            NetworkJson.WriteSideLists(w, report.PolicyEffectUnknown, report.NotEvaluated, report.Warnings, report.Errors);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary><c>change,src,dst,before,after,added,removed</c> rows, then the workloads added and removed as rows with empty sets.</summary>
    public static string Csv(ConnectivityDiff diff)
    {
        var sb = new StringBuilder();
        sb.Append("change,src,dst,before,after,added,removed\n");
        foreach (var reference in diff.WorkloadsAdded)
        {
            sb.Append("workload added,").Append(CsvField(reference.ToString())).Append(",,,,,\n");
        }

        foreach (var reference in diff.WorkloadsRemoved)
        {
            sb.Append("workload removed,").Append(CsvField(reference.ToString())).Append(",,,,,\n");
        }

        foreach (var c in diff.Changes)
        {
            sb.Append(ConnectionChange.Name(c.Kind)).Append(',')
                .Append(CsvField(ConnectivityWriter.Text(c.Source))).Append(',')
                .Append(CsvField(ConnectivityWriter.Text(c.Destination))).Append(',')
                .Append(CsvField(c.Before.ToString())).Append(',')
                .Append(CsvField(c.After.ToString())).Append(',')
                .Append(CsvField(c.Gained.ToString())).Append(',')
                .Append(CsvField(c.Lost.ToString())).Append('\n');
        }

        return sb.ToString();
    }

    public static string Markdown(ConnectivityDiff diff, PolicyEvaluator afterEvaluator, ConnectivityReport afterReport)
    {
        var sb = new StringBuilder();
        sb.Append("# Connectivity diff\n\n").Append(Summary(diff)).Append("\n");
        if (diff.WorkloadsAdded.Count + diff.WorkloadsRemoved.Count > 0)
        {
            sb.Append("\n## Workloads\n\n");
            foreach (var reference in diff.WorkloadsAdded)
            {
                sb.Append("- added: ").Append(Md(reference.ToString())).Append('\n');
            }

            foreach (var reference in diff.WorkloadsRemoved)
            {
                sb.Append("- removed: ").Append(Md(reference.ToString())).Append('\n');
            }
        }

        if (diff.Changes.Count > 0)
        {
            sb.Append("\n## Connections\n\n| Change | Source | Destination | Before | After | Added | Removed |\n|---|---|---|---|---|---|---|\n");
            foreach (var c in diff.Changes)
            {
                sb.Append("| ").Append(ConnectionChange.Name(c.Kind))
                    .Append(" | ").Append(Md(ConnectivityWriter.Text(c.Source)))
                    .Append(" | ").Append(Md(ConnectivityWriter.Text(c.Destination)))
                    .Append(" | ").Append(Md(c.Before.ToString()))
                    .Append(" | ").Append(Md(c.After.ToString()))
                    .Append(" | ").Append(Md(c.Gained.IsEmpty ? string.Empty : c.Gained.ToString()))
                    .Append(" | ").Append(Md(c.Lost.IsEmpty ? string.Empty : c.Lost.ToString()))
                    .Append(" |\n");
            }
        }

        ConnectivityWriter.AppendNotes(sb, afterEvaluator, afterReport, "\n## ", "- ");
        return sb.ToString();
    }

    /// <summary>One line: <c>identical</c>, or the counts (<c>3 connections differ: 1 added, 1 removed, 1 changed; 1 workload added</c>).</summary>
    public static string Summary(ConnectivityDiff diff)
    {
        if (diff.IsEmpty)
        {
            return "No difference: the two versions allow the same connections.";
        }

        var parts = new List<string>();
        if (diff.Changes.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Count(diff.Changes.Count, "connection")} {(diff.Changes.Count == 1 ? "differs" : "differ")}: {diff.Count(ChangeKind.Added)} added, {diff.Count(ChangeKind.Removed)} removed, {diff.Count(ChangeKind.Changed)} changed"));
        }

        if (diff.WorkloadsAdded.Count > 0)
        {
            parts.Add($"{Count(diff.WorkloadsAdded.Count, "workload")} added");
        }

        if (diff.WorkloadsRemoved.Count > 0)
        {
            parts.Add($"{Count(diff.WorkloadsRemoved.Count, "workload")} removed");
        }

        return string.Join("; ", parts) + ".";
    }

    /// <summary>The delta of a change as text: <c>+TCP 81-90, -UDP 53</c>.</summary>
    public static string Delta(ConnectionChange change)
    {
        var parts = new List<string>();
        if (!change.Gained.IsEmpty)
        {
            parts.Add("+" + Text(change.Gained));
        }

        if (!change.Lost.IsEmpty)
        {
            parts.Add("-" + Text(change.Lost));
        }

        return string.Join(", ", parts);
    }

    private static string Text(ConnectionSet set) => set.ToString().Contains(';', StringComparison.Ordinal) ? $"({set})" : set.ToString();

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', ';']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Md(string value) => value.Replace("|", "\\|", StringComparison.Ordinal);
}
