using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Conditions;

/// <summary>
/// What a compiled condition is known to require, for indexing: the stages, verbs and resources it can match
/// (null: any), and the audit level of the fields it reads. Derived soundly: a set is only given when every event
/// the condition can match has one of those values. Subresources use <see cref="Absent"/> for "no subresource".
/// </summary>
public sealed record ConditionFacts(IReadOnlySet<string>? Stages, IReadOnlySet<string>? Verbs, IReadOnlySet<string>? Resources, AuditLevel Level)
{
    /// <summary>The key of an event without a subresource.</summary>
    public const string Absent = "\u0000";

    public static readonly ConditionFacts None = new(null, null, null, AuditLevel.Metadata);

    /// <summary>The subresources the condition can match (null: any).</summary>
    public IReadOnlySet<string>? Subresources { get; init; }

    /// <summary>Set when the condition is exactly <c>ka.target.subresource exists</c> (so that its negation is known).</summary>
    internal bool IsSubresourceExists { get; init; }

    /// <summary>Both must hold: each dimension is the intersection of what is known.</summary>
    public static ConditionFacts All(IEnumerable<ConditionFacts> items)
    {
        IReadOnlySet<string>? stages = null, verbs = null, resources = null, subresources = null;
        var level = AuditLevel.Metadata;
        foreach (var f in items)
        {
            stages = Intersect(stages, f.Stages);
            verbs = Intersect(verbs, f.Verbs);
            resources = Intersect(resources, f.Resources);
            subresources = Intersect(subresources, f.Subresources);
            level = (AuditLevel)Math.Max((int)level, (int)f.Level);
        }

        return new ConditionFacts(stages, verbs, resources, level) { Subresources = subresources };
    }

    /// <summary>One must hold: a dimension is known only when every branch knows it.</summary>
    public static ConditionFacts Any(IReadOnlyList<ConditionFacts> items)
    {
        var level = items.Max(f => f.Level);
        return new ConditionFacts(Union(items.Select(f => f.Stages)), Union(items.Select(f => f.Verbs)), Union(items.Select(f => f.Resources)), level)
        {
            Subresources = Union(items.Select(f => f.Subresources)),
        };
    }

    /// <summary>Under a not: nothing is known but the level, except that <c>not ka.target.subresource exists</c> means none.</summary>
    public ConditionFacts Negated() => new(null, null, null, Level)
    {
        Subresources = IsSubresourceExists ? new HashSet<string>(StringComparer.Ordinal) { Absent } : null,
    };

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
