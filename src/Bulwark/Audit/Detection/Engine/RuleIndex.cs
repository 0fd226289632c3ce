namespace Bulwark.Audit.Detection.Engine;

/// <summary>
/// Finds the rules that can match an event from its stage, verb, resource and subresource: each rule knows the values of those
/// it can match (its stages, and what its condition requires), so an event only runs the rules that may fire. The
/// candidates of each (stage, verb, resource, subresource) are computed once and cached (a bounded cache: logs have few distinct
/// combinations, but a hostile one must not grow it without limit).
/// </summary>
internal sealed class RuleIndex
{
    private const int MaxCached = 16_384;
    private readonly CompiledRule[] _rules;
    private readonly Dictionary<(string?, string?, string?, string), CompiledRule[]> _cache = new();

    public RuleIndex(IEnumerable<CompiledRule> rules) => _rules = rules.ToArray();

    /// <summary>The rules that can match; <paramref name="subresource"/> is <see cref="Conditions.ConditionFacts.Absent"/> when the event has none.</summary>
    public CompiledRule[] Candidates(string? stage, string? verb, string? resource, string subresource)
    {
        var key = (stage, verb, resource, subresource);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var list = new List<CompiledRule>();
        foreach (var r in _rules)
        {
            if (Admits(r.Stages, stage) && Admits(r.Verbs, verb) && Admits(r.Resources, resource) && Admits(r.Subresources, subresource))
            {
                list.Add(r);
            }
        }

        var result = list.Count == 0 ? [] : list.ToArray();
        if (_cache.Count < MaxCached)
        {
            _cache[key] = result;
        }

        return result;
    }

    private static bool Admits(IReadOnlySet<string>? set, string? value) => set is null || (value is not null && set.Contains(value));
}
