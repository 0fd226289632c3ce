namespace Bulwark.Audit.Detection.Engine;

/// <summary>Per-rule counters of a run.</summary>
public sealed record RuleStats(string Rule, long Alerts, long SkippedForMissingFields, long Suppressed);

/// <summary>The counters of a run: flat in memory however long the log.</summary>
public sealed class DetectionStats
{
    private readonly long[] _alerts;
    private readonly long[] _skipped;
    private readonly long[] _suppressed;
    private readonly IReadOnlyList<CompiledRule> _rules;

    /// <summary>Counters for <paramref name="rules"/>, indexed by their position in a pack of <paramref name="packSize"/> rules.</summary>
    internal DetectionStats(IReadOnlyList<CompiledRule> rules, int packSize)
    {
        _rules = rules;
        _alerts = new long[packSize];
        _skipped = new long[packSize];
        _suppressed = new long[packSize];
    }

    /// <summary>Events read and judged.</summary>
    public long Events { get; internal set; }

    /// <summary>Lines or items that could not be read as events.</summary>
    public long Errors { get; internal set; }

    public long Alerts { get; internal set; }

    /// <summary>Inputs read (files, standard input).</summary>
    public int Files { get; internal set; }

    /// <summary>Counters of every rule that ran, in pack order.</summary>
    public IReadOnlyList<RuleStats> Rules => _rules
        .Select(r => new RuleStats(r.Id, _alerts[r.Index], _skipped[r.Index], _suppressed[r.Index]))
        .ToList();

    internal void Alert(CompiledRule rule)
    {
        _alerts[rule.Index]++;
        Alerts++;
    }

    internal void Skip(CompiledRule rule) => _skipped[rule.Index]++;

    internal void Suppress(CompiledRule rule) => _suppressed[rule.Index]++;
}
