using System.Text;
using System.Text.Json;
using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Policy;

/// <summary>Writes a generated policy as YAML (with comments naming the detection rules each rule serves) or JSON.</summary>
public static class PolicyWriter
{
    private const int Width = 116;

    public static string ToYaml(GeneratedPolicy generated)
    {
        var sb = new StringBuilder();
        foreach (var line in generated.Header)
        {
            Comment(sb, string.Empty, line);
        }

        var policy = generated.Policy;
        sb.Append("apiVersion: ").Append(policy.ApiVersion).Append('\n');
        sb.Append("kind: Policy\n");
        if (policy.OmitStages.Count > 0)
        {
            if (generated.OmitStagesComment is { } c)
            {
                Comment(sb, string.Empty, c);
            }

            sb.Append("omitStages: ").Append(Flow(policy.OmitStages)).Append('\n');
        }

        sb.Append("omitManagedFields: ").Append(policy.OmitManagedFields ? "true" : "false").Append('\n');
        sb.Append("rules:\n");
        foreach (var rule in generated.Rules)
        {
            foreach (var line in rule.Comment)
            {
                Comment(sb, "  ", line);
            }

            if (rule.Serves.Count > 0)
            {
                Comment(sb, "  ", "Serves: " + string.Join(", ", rule.Serves));
            }

            WriteRule(sb, rule.Rule);
        }

        return sb.ToString();
    }

    private static void WriteRule(StringBuilder sb, AuditPolicyRule r)
    {
        sb.Append("  - level: ").Append(r.Level).Append('\n');
        Field(sb, "users", r.Users);
        Field(sb, "userGroups", r.UserGroups);
        Field(sb, "verbs", r.Verbs);
        Field(sb, "namespaces", r.Namespaces);
        Field(sb, "nonResourceURLs", r.NonResourceURLs);
        if (r.Resources.Count > 0)
        {
            sb.Append("    resources:\n");
            foreach (var g in r.Resources)
            {
                sb.Append("      - group: ").Append(Quote(g.Group)).Append(g.Group.Length == 0 ? "  # core\n" : "\n");
                if (g.Resources.Count > 0)
                {
                    sb.Append("        resources: ").Append(Flow(g.Resources)).Append('\n');
                }

                if (g.ResourceNames.Count > 0)
                {
                    sb.Append("        resourceNames: ").Append(Flow(g.ResourceNames)).Append('\n');
                }
            }
        }

        Field(sb, "omitStages", r.OmitStages);
        if (r.OmitManagedFields is { } omit)
        {
            sb.Append("    omitManagedFields: ").Append(omit ? "true" : "false").Append('\n');
        }
    }

    private static void Field(StringBuilder sb, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            sb.Append("    ").Append(name).Append(": ").Append(Flow(values)).Append('\n');
        }
    }

    private static string Flow(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A comment, wrapped at word boundaries.</summary>
    private static void Comment(StringBuilder sb, string indent, string text)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && indent.Length + 2 + line.Length + 1 + word.Length > Width)
            {
                sb.Append(indent).Append("# ").Append(line).Append('\n');
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        sb.Append(indent).Append('#').Append(line.Length > 0 ? " " + line : string.Empty).Append('\n');
    }

    /// <summary>The policy as JSON (no comments: the detection rules served are left out).</summary>
    public static void WriteJson(AuditPolicy policy, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", policy.ApiVersion);
        w.WriteString("kind", "Policy");
        if (policy.OmitStages.Count > 0)
        {
            Array(w, "omitStages", policy.OmitStages);
        }

        w.WriteBoolean("omitManagedFields", policy.OmitManagedFields);
        w.WriteStartArray("rules");
        foreach (var r in policy.Rules)
        {
            w.WriteStartObject();
            w.WriteString("level", r.Level.ToString());
            Array(w, "users", r.Users);
            Array(w, "userGroups", r.UserGroups);
            Array(w, "verbs", r.Verbs);
            Array(w, "namespaces", r.Namespaces);
            Array(w, "nonResourceURLs", r.NonResourceURLs);
            if (r.Resources.Count > 0)
            {
                w.WriteStartArray("resources");
                foreach (var g in r.Resources)
                {
                    w.WriteStartObject();
                    w.WriteString("group", g.Group);
                    Array(w, "resources", g.Resources);
                    Array(w, "resourceNames", g.ResourceNames);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            Array(w, "omitStages", r.OmitStages);
            if (r.OmitManagedFields is { } omit)
            {
                w.WriteBoolean("omitManagedFields", omit);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Array(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>The level's name as the policy writes it.</summary>
    public static string Name(AuditLevel level) => level.ToString();
}
