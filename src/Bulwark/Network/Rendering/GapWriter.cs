using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Gaps;

namespace Bulwark.Network.Rendering;

/// <summary>Writes a gap report as JSON or Markdown, and the notes shared with the table.</summary>
public static class GapWriter
{
    /// <summary>Where a gap is: file, line and column of its field.</summary>
    public static (string File, int Line, int Column) Location(Gap gap)
    {
        var position = FieldLocator.Locate(gap.Object.Root, gap.Pointer);
        return (gap.Object.Origin.File.Path, position.Line, position.Column);
    }

    public static void WriteJson(Utf8JsonWriter w, PolicyEvaluator evaluator, GapOptions options, GapReport report)
    {
        w.WriteStartObject();
        WriteAssumptions(w, evaluator, options, report);
        w.WriteStartArray("gaps");
        foreach (var gap in report.Gaps)
        {
            WriteGap(w, gap);
        }

        w.WriteEndArray();
        w.WriteStartObject("summary");
        w.WriteNumber("total", report.Gaps.Count);
        foreach (var severity in Enum.GetValues<Severity>().Reverse())
        {
            w.WriteNumber(severity.Name(), report.Gaps.Count(g => g.Severity == severity));
        }

        w.WriteStartObject("byId");
        foreach (var kind in GapKinds.All)
        {
            w.WriteNumber(kind.Id(), report.Gaps.Count(g => g.Kind == kind));
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("unresolvedPeers");
        foreach (var peer in report.UnresolvedPeers)
        {
            var position = FieldLocator.Locate(peer.Rule.Policy.Source.Root, peer.Peer.Pointer);
            w.WriteStartObject();
            w.WriteString("policy", peer.Rule.Policy.Ref);
            w.WriteString("rule", peer.Rule.Label);
            w.WriteString("peer", Policies.PolicyText.Describe(peer.Peer, peer.Rule.Policy.Namespace));
            w.WriteString("reason", peer.Reason);
            w.WriteString("file", peer.Rule.Policy.Source.Origin.File.Path);
            w.WriteNumber("line", position.Line);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        NetworkJson.WriteSideLists(w, report.PolicyEffectUnknown, report.NotEvaluated, report.Warnings, report.Errors);
        w.WriteEndObject();
    }

    private static void WriteAssumptions(Utf8JsonWriter w, PolicyEvaluator evaluator, GapOptions options, GapReport report)
    {
        w.WriteStartObject("assumptions");
        w.WriteStartArray("tiers");
        foreach (var tier in evaluator.Tiers)
        {
            w.WriteStringValue(tier.Name);
        }

        w.WriteStringValue("default allow");
        w.WriteEndArray();
        w.WriteBoolean("ipBlockMatchesPods", evaluator.Options.IpBlockMatchesPods);
        w.WriteStartArray("clusterCidrs");
        foreach (var cidr in options.ClusterCidrs)
        {
            w.WriteStringValue(cidr.ToString());
        }

        w.WriteEndArray();
        w.WriteStartArray("sensitiveNamespaces");
        foreach (var ns in options.SensitiveNamespaces)
        {
            w.WriteStringValue(ns);
        }

        w.WriteEndArray();
        foreach (var (name, value) in report.Assumptions)
        {
            if (name is not ("tiers" or "ipBlockMatchesPods" or "includeSelf" or "clusterCidrs" or "sensitiveNamespaces"))
            {
                w.WriteString(name, value);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteGap(Utf8JsonWriter w, Gap gap)
    {
        var (file, line, column) = Location(gap);
        w.WriteStartObject();
        w.WriteString("id", gap.Id);
        w.WriteString("severity", gap.Severity.Name());
        w.WriteString("control", gap.Control);
        w.WriteStartObject("object");
        w.WriteString("apiVersion", gap.Object.ApiVersion);
        w.WriteString("kind", gap.Object.Kind);
        if (!gap.Object.IsClusterScoped)
        {
            w.WriteString("namespace", gap.Object.Namespace ?? "default");
        }

        w.WriteString("name", gap.Object.Name);
        w.WriteEndObject();
        w.WriteStartObject("location");
        w.WriteString("file", file);
        w.WriteNumber("line", line);
        w.WriteNumber("column", column);
        w.WriteString("path", gap.Pointer);
        w.WriteEndObject();
        w.WriteString("namespace", gap.Namespace);
        if (gap.Direction is { } direction)
        {
            w.WriteString("direction", direction.ToString());
        }

        if (gap.Workload is { } workload)
        {
            w.WriteStartObject("workload");
            NetworkJson.WriteWorkloadFields(w, workload.Ref);
            w.WriteEndObject();
        }

        if (gap.Policy is { } policy)
        {
            w.WriteString("policy", policy.Ref);
        }

        if (gap.Rule is { } rule)
        {
            w.WriteString("rule", rule.Label);
        }

        if (gap.Part is { } part)
        {
            w.WriteString("part", part);
        }

        w.WriteString("message", gap.Message);
        w.WriteString("hint", gap.Hint);
        if (gap.Kind == GapKind.WorkloadInternetEgress)
        {
            w.WriteStartArray("reachable");
            foreach (var reach in gap.External)
            {
                w.WriteStartObject();
                NetworkJson.WriteEndpoint(w, "dst", new ExternalEndpoint(reach.Addresses));
                NetworkJson.WriteConnections(w, "allowed", reach.Allowed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (gap.Kind == GapKind.SensitiveNamespaceReachable)
        {
            w.WriteStartArray("sources");
            foreach (var source in gap.Sources)
            {
                w.WriteStartObject();
                NetworkJson.WriteEndpoint(w, "src", source.Source);
                NetworkJson.WriteConnections(w, "allowed", source.Allowed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static string Markdown(GapReport report)
    {
        var sb = new StringBuilder();
        sb.Append("# NetworkPolicy gaps\n\n");
        if (report.Gaps.Count == 0)
        {
            sb.Append("No gap found.\n");
        }
        else
        {
            sb.Append("| Severity | Gap | Control | Where | Message | Fix |\n|---|---|---|---|---|---|\n");
            foreach (var gap in report.Gaps)
            {
                var (file, line, _) = Location(gap);
                sb.Append(CultureInfo.InvariantCulture, $"| {gap.Severity.Name()} | {gap.Id} | {gap.Control} | {Md(file)}:{line} | {Md(gap.Message)} | {Md(gap.Hint)} |\n");
            }

            sb.Append('\n').Append(Summary(report)).Append('\n');
        }

        AppendNotes(sb, report, "\n## ", "- ");
        return sb.ToString();
    }

    /// <summary>"5 gaps: 1 high, 3 medium, 1 low".</summary>
    public static string Summary(GapReport report)
    {
        var n = report.Gaps.Count;
        var counts = Enum.GetValues<Severity>().Reverse().Select(s => (s, c: report.Gaps.Count(g => g.Severity == s))).Where(x => x.c > 0)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.c} {x.s.Name()}"));
        return string.Create(CultureInfo.InvariantCulture, $"{n} gap{(n == 1 ? string.Empty : "s")}: {string.Join(", ", counts)}");
    }

    /// <summary>The assumptions and side lists as text sections (table and Markdown).</summary>
    public static void AppendNotes(StringBuilder sb, GapReport report, string heading, string bullet)
    {
        sb.Append(heading).Append("Assumptions\n\n");
        foreach (var (name, value) in report.Assumptions)
        {
            sb.Append(bullet).Append(name).Append(": ").Append(value).Append('\n');
        }

        Section(sb, heading, bullet, "Policy effect unknown (hostNetwork, no gap computed)", report.PolicyEffectUnknown.Select(w => w.Ref.ToString()));
        Section(sb, heading, bullet, "Peers not judged (they select namespaces the input does not describe)", report.UnresolvedPeers.Select(p => p.ToString()));
        Section(sb, heading, bullet, "Present but not evaluated (their effect is missing from this report)", report.NotEvaluated.Select(o => $"{o}: {o.Note}"));
        Section(sb, heading, bullet, "Invalid policies (rejected by the API server; not evaluated)", report.Errors.Select(e => e.ToString()));
        Section(sb, heading, bullet, "Warnings", report.Warnings);
    }

    private static void Section(StringBuilder sb, string heading, string bullet, string title, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        sb.Append(heading).Append(title).Append("\n\n");
        foreach (var item in list)
        {
            sb.Append(bullet).Append(item).Append('\n');
        }
    }

    private static string Md(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
