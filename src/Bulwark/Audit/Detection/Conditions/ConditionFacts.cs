using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Conditions;

/// <summary>
/// What a compiled condition is known to require, for indexing: the stages, verbs and resources it can match
/// (null: any), and the audit level of the fields it reads. Derived soundly: a set is only given when every event
/// the condition can match has one of those values.
/// </summary>
public sealed record ConditionFacts(IReadOnlySet<string>? Stages, IReadOnlySet<string>? Verbs, IReadOnlySet<string>? Resources, AuditLevel Level)
{
    public static readonly ConditionFacts None = new(null, null, null, AuditLevel.Metadata);

    /// <summary>Both must hold: each dimension is the intersection of what is known.</summary>
    public static ConditionFacts All(IEnumerable<ConditionFacts> items)
    {
        IReadOnlySet<string>? stages = null, verbs = null, resources = null;
        var level = AuditLevel.Metadata;
        foreach (var f in items)
        {
            stages = Intersect(stages, f.Stages);
            verbs = Intersect(verbs, f.Verbs);
            resources = Intersect(resources, f.Resources);
            level = (AuditLevel)Math.Max((int)level, (int)f.Level);
        }

        return new ConditionFacts(stages, verbs, resources, level);
    }

    /// <summary>One must hold: a dimension is known only when every branch knows it.</summary>
    public static ConditionFacts Any(IReadOnlyList<ConditionFacts> items)
    {
        var level = items.Max(f => f.Level);
        return new ConditionFacts(Union(items.Select(f => f.Stages)), Union(items.Select(f => f.Verbs)), Union(items.Select(f => f.Resources)), level);
    }

    /// <summary>Under a not: nothing is known but the level.</summary>
    public ConditionFacts Negated() => new(null, null, null, Level);

    private static IReadOnlySet<string>? Intersect(IReadOnlySet<string>? a, IReadOnlySet<string>? b)
    {
        if (a is null)
        {
            return b;
        }

        if (b is null)
        {
            return a;
        }

        var set = new HashSet<string>(a, StringComparer.Ordinal);
        set.IntersectWith(b);
        return set;
    }

    private static IReadOnlySet<string>? Union(IEnumerable<IReadOnlySet<string>?> sets)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in sets)
        {
            if (s is null)
            {
                return null;
            }

            result.UnionWith(s);
        }

        return result;
    }
}
