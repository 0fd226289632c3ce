namespace Bulwark.Model;

/// <summary>One requirement of a label selector's matchExpressions.</summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values);

/// <summary>
/// A metav1.LabelSelector: matchLabels and matchExpressions ANDed. An empty selector matches everything; a selector
/// with an unknown operator, or values where the operator takes none (or none where it needs some), is invalid.
/// </summary>
public sealed class LabelSelector
{
    public LabelSelector(IReadOnlyDictionary<string, string> matchLabels, IReadOnlyList<LabelRequirement> expressions)
    {
        MatchLabels = matchLabels;
        Expressions = expressions;
        Error = Validate();
    }

    public IReadOnlyDictionary<string, string> MatchLabels { get; }

    public IReadOnlyList<LabelRequirement> Expressions { get; }

    /// <summary>Why the selector is invalid (for RBAC aggregation the controller then fails for the role), or null.</summary>
    public string? Error { get; }

    /// <summary>Reads a selector node; a null or non-mapping node is the empty selector.</summary>
    public static LabelSelector FromNode(Node? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var expressions = new List<LabelRequirement>();
        if (node is MappingNode map)
        {
            foreach (var entry in map.GetMapping("matchLabels")?.Entries ?? [])
            {
                labels[entry.Key.Value] = entry.Value is ScalarNode { IsNull: false } v ? v.Value : string.Empty;
            }

            foreach (var item in map.GetSequence("matchExpressions")?.Items ?? [])
            {
                if (item is MappingNode e)
                {
                    var values = e.GetSequence("values")?.Items.OfType<ScalarNode>().Select(s => s.IsNull ? string.Empty : s.Value).ToList() ?? [];
                    expressions.Add(new LabelRequirement(e.GetString("key") ?? string.Empty, e.GetString("operator") ?? string.Empty, values));
                }
            }
        }

        return new LabelSelector(labels, expressions);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (Error is not null)
        {
            return false;
        }

        foreach (var (key, wanted) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != wanted)
            {
                return false;
            }
        }

        foreach (var r in Expressions)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Operator switch
            {
                "In" => has && r.Values.Contains(value!),
                "NotIn" => !has || !r.Values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private string? Validate()
    {
        foreach (var r in Expressions)
        {
            switch (r.Operator)
            {
                case "In" or "NotIn" when r.Values.Count == 0:
                    return $"matchExpressions key \"{r.Key}\": operator {r.Operator} needs values";
                case "Exists" or "DoesNotExist" when r.Values.Count > 0:
                    return $"matchExpressions key \"{r.Key}\": operator {r.Operator} takes no values";
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    break;
                default:
                    return $"matchExpressions key \"{r.Key}\": unknown operator \"{r.Operator}\"";
            }
        }

        return null;
    }
}
