using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>
/// Writes generated policies as readable YAML (block style, two-space indent, a comment above each rule saying why it
/// exists) or JSON. Strings that YAML 1.1 would read as something else (<c>true</c>, <c>on</c>, <c>1.0</c>, ...) are quoted.
/// </summary>
public static partial class GeneratedPolicyWriter
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> YamlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    /// <summary>One policy as a YAML document (without <c>---</c>), with its comments.</summary>
    public static string ToYaml(GeneratedPolicy policy)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(policy.Description).Append('\n');
        Emit(sb, Tree(policy), 0);
        return sb.ToString();
    }

    /// <summary>Several policies as a multi-document YAML stream, after header comment lines.</summary>
    public static string ToYamlStream(IReadOnlyList<GeneratedPolicy> policies, IEnumerable<string> header)
    {
        var sb = new StringBuilder();
        foreach (var line in header)
        {
            sb.Append("# ").Append(line).Append('\n');
        }

        for (var i = 0; i < policies.Count; i++)
        {
            sb.Append("---\n").Append(ToYaml(policies[i]));
        }

        return sb.ToString();
    }

    /// <summary>One policy as a JSON object.</summary>
    public static string ToJson(GeneratedPolicy policy)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOptions))
        {
            WriteJson(w, Tree(policy));
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Several policies as a v1 List (kubectl applies it).</summary>
    public static string ToJsonList(IReadOnlyList<GeneratedPolicy> policies)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", "v1");
            w.WriteString("kind", "List");
            w.WriteStartArray("items");
            foreach (var policy in policies)
            {
                WriteJson(w, Tree(policy));
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // A small ordered tree of the object, rendered as YAML or JSON.
    private abstract record YNode;

    private sealed record YScalar(string Value, bool Number = false) : YNode;

    private sealed record YMap(List<(string Key, YNode Value)> Entries) : YNode;

    private sealed record YSeq(List<(YNode Item, IReadOnlyList<string> Comments)> Items) : YNode;

    private static YMap Tree(GeneratedPolicy policy)
    {
        var metadata = Map(("name", S(policy.Name)), ("namespace", S(policy.Namespace)),
            ("labels", Labels(new Dictionary<string, string> { [GeneratedPolicy.ManagedByLabel] = GeneratedPolicy.ManagedByValue })));
        var spec = Map(("podSelector", Selector(policy.PodSelector)));
        var types = new YSeq(new());
        if (policy.IsolatesIngress)
        {
            types.Items.Add((S("Ingress"), []));
        }

        if (policy.IsolatesEgress)
        {
            types.Items.Add((S("Egress"), []));
        }

        spec.Entries.Add(("policyTypes", types));
        if (policy.IngressRules.Count > 0)
        {
            spec.Entries.Add(("ingress", Rules(policy.IngressRules, "from")));
        }

        if (policy.EgressRules.Count > 0)
        {
            spec.Entries.Add(("egress", Rules(policy.EgressRules, "to")));
        }

        return Map(("apiVersion", S("networking.k8s.io/v1")), ("kind", S("NetworkPolicy")), ("metadata", metadata), ("spec", spec));
    }

    private static YSeq Rules(IReadOnlyList<GeneratedRule> rules, string peersKey)
    {
        var seq = new YSeq(new());
        foreach (var rule in rules)
        {
            var map = Map();
            if (rule.Peers is { } peers)
            {
                var list = new YSeq(new());
                foreach (var peer in peers)
                {
                    list.Items.Add((Peer(peer), []));
                }

                map.Entries.Add((peersKey, list));
            }

            if (rule.Ports is { } ports)
            {
                var list = new YSeq(new());
                foreach (var port in ports)
                {
                    var entry = Map(("protocol", S(port.Protocol.Name())));
                    if (port.Name is { } name)
                    {
                        entry.Entries.Add(("port", S(name)));
                    }
                    else if (port.Port is { } number)
                    {
                        entry.Entries.Add(("port", Number(number)));
                        if (port.EndPort is { } end && end != number)
                        {
                            entry.Entries.Add(("endPort", Number(end)));
                        }
                    }

                    list.Items.Add((entry, []));
                }

                map.Entries.Add(("ports", list));
            }

            seq.Items.Add((map, rule.Comments));
        }

        return seq;
    }

    private static YMap Peer(GeneratedPeer peer)
    {
        var map = Map();
        if (peer.IpBlock is { } block)
        {
            var ip = Map(("cidr", S(block.Cidr)));
            if (block.Except.Count > 0)
            {
                ip.Entries.Add(("except", new YSeq(block.Except.Select(e => ((YNode)S(e), (IReadOnlyList<string>)[])).ToList())));
            }

            map.Entries.Add(("ipBlock", ip));
            return map;
        }

        if (peer.NamespaceLabels is { } ns)
        {
            map.Entries.Add(("namespaceSelector", Selector(ns)));
        }

        if (peer.PodLabels is { } pods)
        {
            map.Entries.Add(("podSelector", Selector(pods)));
        }

        return map;
    }

    private static YMap Selector(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? Map() : Map(("matchLabels", Labels(labels)));

    private static YMap Labels(IReadOnlyDictionary<string, string> labels) =>
        new(labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (YNode)S(kv.Value))).ToList());

    private static YMap Map(params (string Key, YNode Value)[] entries) => new(entries.ToList());

    private static YScalar S(string value) => new(value);

    private static YScalar Number(int value) => new(value.ToString(CultureInfo.InvariantCulture), true);

    private static void Emit(StringBuilder sb, YMap map, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var (key, value) in map.Entries)
        {
            sb.Append(pad).Append(Scalar(key, false)).Append(':');
            switch (value)
            {
                case YScalar s:
                    sb.Append(' ').Append(Scalar(s.Value, s.Number)).Append('\n');
                    break;
                case YMap { Entries.Count: 0 }:
                    sb.Append(" {}\n");
                    break;
                case YSeq { Items.Count: 0 }:
                    sb.Append(" []\n");
                    break;
                case YMap m:
                    sb.Append('\n');
                    Emit(sb, m, indent + 2);
                    break;
                case YSeq q:
                    sb.Append('\n');
                    EmitSequence(sb, q, indent + 2);
                    break;
            }
        }
    }

    private static void EmitSequence(StringBuilder sb, YSeq seq, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var (item, comments) in seq.Items)
        {
            foreach (var comment in comments)
            {
                sb.Append(pad).Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
            }

            switch (item)
            {
                case YScalar s:
                    sb.Append(pad).Append("- ").Append(Scalar(s.Value, s.Number)).Append('\n');
                    break;
                case YMap { Entries.Count: 0 }:
                    sb.Append(pad).Append("- {}\n");
                    break;
                case YMap m:
                    var inner = new StringBuilder();
                    Emit(inner, m, indent + 2);
                    sb.Append(pad).Append("- ").Append(inner.ToString(indent + 2, inner.Length - indent - 2));
                    break;
                case YSeq q:
                    sb.Append(pad).Append("-\n");
                    EmitSequence(sb, q, indent + 2);
                    break;
            }
        }
    }

    /// <summary>A scalar as YAML: plain when it reads back as the same string, double-quoted otherwise.</summary>
    private static string Scalar(string value, bool number)
    {
        if (number || (PlainSafe().IsMatch(value) && !YamlWords.Contains(value) && !NumberLike().IsMatch(value)))
        {
            return value;
        }

        return JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainSafe();

    // Integers (also octal, hex, with _), floats, sexagesimal-free: anything YAML 1.1 or 1.2 could read as a number.
    [GeneratedRegex("^([-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|0[xXoObB][0-9A-Fa-f_]+|[-+]?\\.[0-9]+|\\.(inf|nan|Inf|NaN|INF|NAN))$")]
    private static partial Regex NumberLike();

    private static void WriteJson(Utf8JsonWriter w, YNode node)
    {
        switch (node)
        {
            case YScalar { Number: true } n:
                w.WriteNumberValue(int.Parse(n.Value, CultureInfo.InvariantCulture));
                break;
            case YScalar s:
                w.WriteStringValue(s.Value);
                break;
            case YMap m:
                w.WriteStartObject();
                foreach (var (key, value) in m.Entries)
                {
                    w.WritePropertyName(key);
                    WriteJson(w, value);
                }

                w.WriteEndObject();
                break;
            case YSeq q:
                w.WriteStartArray();
                foreach (var (item, _) in q.Items)
                {
                    WriteJson(w, item);
                }

                w.WriteEndArray();
                break;
        }
    }
}
