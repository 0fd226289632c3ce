using System.Text;
using System.Text.Json;
using Bulwark.Network.Analysis;

namespace Bulwark.Network.Rendering;

/// <summary>Writes explanations as JSON or readable text.</summary>
public static class ExplanationWriter
{
    public static void WriteJson(Utf8JsonWriter w, PolicyEvaluator evaluator, IReadOnlyList<Explanation> explanations)
    {
        w.WriteStartObject();
        NetworkJson.WriteAssumptions(w, evaluator);
        w.WriteStartArray("explanations");
        foreach (var e in explanations)
        {
            w.WriteStartObject();
            NetworkJson.WriteEndpoint(w, "src", e.Source);
            NetworkJson.WriteEndpoint(w, "dst", e.Destination);
            var allowed = e.Allowed;
            if (allowed.IsEmpty)
            {
                w.WriteStartArray("allowed");
                w.WriteEndArray();
            }
            else
            {
                NetworkJson.WriteConnections(w, "allowed", allowed);
            }

            w.WriteStartArray("parts");
            foreach (var part in e.Parts)
            {
                w.WriteStartObject();
                NetworkJson.WriteConnections(w, "connections", part.Connections);
                w.WriteString("text", part.Connections.ToString());
                w.WriteBoolean("allowed", part.Allowed);
                WriteDirection(w, "egress", part.Egress);
                WriteDirection(w, "ingress", part.Ingress);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var note in e.Notes)
            {
                w.WriteStringValue(note);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        NetworkJson.WriteSideLists(w, [], evaluator.NotEvaluated, evaluator.Warnings, evaluator.Model.Problems.Where(p => p.IsError).ToList());
        w.WriteEndObject();
    }

    public static string Text(IReadOnlyList<Explanation> explanations)
    {
        var sb = new StringBuilder();
        foreach (var e in explanations)
        {
            var allowed = e.Allowed;
            sb.Append(e.Source).Append(" -> ").Append(e.Destination).Append(": ")
                .Append(allowed.IsEmpty ? "denied" : $"allowed {allowed}").Append('\n');
            foreach (var part in e.Parts)
            {
                sb.Append("  ").Append(part.Connections).Append(": ").Append(part.Allowed ? "ALLOWED" : "DENIED").Append('\n');
                sb.Append("    egress:  ").Append(part.Egress.Summary).Append('\n');
                sb.Append("    ingress: ").Append(part.Ingress.Summary).Append('\n');
            }

            foreach (var note in e.Notes)
            {
                sb.Append("  note: ").Append(note).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static void WriteDirection(Utf8JsonWriter w, string property, DirectionVerdict v)
    {
        w.WriteStartObject(property);
        w.WriteString("verdict", !v.Judged ? "not-judged" : v.Allowed ? "allowed" : "denied");
        if (v.Tier is null)
        {
            w.WriteNull("tier");
        }
        else
        {
            w.WriteString("tier", v.Tier);
        }

        w.WriteString("summary", v.Summary);
        w.WriteStartArray("passed");
        foreach (var r in v.Passed)
        {
            WriteReason(w, r);
        }

        w.WriteEndArray();
        w.WriteStartArray("reasons");
        foreach (var r in v.Reasons)
        {
            WriteReason(w, r);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteReason(Utf8JsonWriter w, TierDecision r)
    {
        w.WriteStartObject();
        w.WriteString("tier", r.Tier);
        w.WriteString("verdict", r.Verdict.ToString().ToLowerInvariant());
        if (r.PolicyKind is not null)
        {
            w.WriteString("kind", r.PolicyKind);
        }

        if (r.PolicyRef is not null)
        {
            w.WriteString("policy", r.PolicyRef);
        }

        if (r.Priority is { } priority)
        {
            w.WriteNumber("priority", priority);
        }

        if (r.Rule is not null)
        {
            w.WriteString("rule", r.Rule);
            w.WriteNumber("ruleIndex", r.RuleIndex ?? 0);
        }

        if (r.Policy is { } obj)
        {
            w.WriteString("file", obj.Origin.File.Path);
            w.WriteNumber("line", r.Pointer is null ? obj.Root.Start.Line : Bulwark.Model.FieldLocator.Locate(obj.Root, r.Pointer).Line);
        }

        w.WriteString("description", r.Description);
        w.WriteEndObject();
    }
}
