namespace Bulwark.Findings;

/// <summary>Everything one scan produced.</summary>
public sealed class ScanResult
{
    public required IReadOnlyList<Finding> Findings { get; init; }

    public required IReadOnlyList<Finding> Suppressed { get; init; }

    public required IReadOnlyList<InputError> Errors { get; init; }

    public int FileCount { get; init; }

    public int ObjectCount { get; init; }

    /// <summary>How long each rule's check took (for the benchmark and for finding slow rules).</summary>
    public IReadOnlyDictionary<string, TimeSpan> RuleTimings { get; init; } = new Dictionary<string, TimeSpan>();

    public bool HasInputErrors => Errors.Any(e => e.Level == InputErrorLevel.Error);

    public bool Fails(Severity? threshold) => threshold is { } t && Findings.Any(f => f.Severity >= t);
}
