using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Findings;

namespace Bulwark.Audit.Detection.Rules;

/// <summary>An error in a rules folder or in the audit tuning of .bulwark.yaml, at a file's line and column.</summary>
public sealed record RuleLoadError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>What an audit policy must log for a rule: the same shape as a Policy rule's resources entry.</summary>
public sealed record AuditResourceSelector(string Group, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames);

/// <summary>A named list of strings.</summary>
public sealed record ListDefinition(string Name, IReadOnlyList<string> Items, string File, int Line);

/// <summary>A named condition.</summary>
public sealed record MacroDefinition(string Name, SourceText Condition, string File, int Line);

/// <summary>An exception of a rule: the alert is suppressed when its condition holds.</summary>
public sealed record RuleException(string Name, SourceText Condition);

/// <summary>A stateful rule's counting: group by fields, sliding window of event time, threshold (of distinct values).</summary>
public sealed record AggregateSpec(IReadOnlyList<string> By, TimeSpan Window, int Threshold, string? Distinct, Bulwark.Model.Position Position);

/// <summary>A detection rule as written in a rule file (docs/audit-rules.md).</summary>
public sealed record RuleDefinition
{
    public const string AnyStage = "any";

    public static readonly IReadOnlyList<string> AllStages = ["RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"];

    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public IReadOnlyList<string> Controls { get; init; } = [];

    public string Description { get; init; } = string.Empty;

    /// <summary>False for rules shipped off (switched on with audit.enable).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The stages the rule looks at (default ResponseComplete); <see cref="AllStages"/> for [any].</summary>
    public IReadOnlyList<string> Stages { get; init; } = ["ResponseComplete"];

    /// <summary>Whether the rule was written with stages: [any] (every stage, and events without one).</summary>
    public bool AnyStages { get; init; }

    /// <summary>The lowest audit level whose events carry what the condition reads.</summary>
    public AuditLevel Level { get; init; } = AuditLevel.Metadata;

    /// <summary>What an audit policy must log at <see cref="Level"/>; empty for non-resource URLs.</summary>
    public IReadOnlyList<AuditResourceSelector> Resources { get; init; } = [];

    /// <summary>The verbs the rule looks at (informational, for the audit policy generator and checker).</summary>
    public IReadOnlyList<string> Verbs { get; init; } = [];

    public required SourceText Condition { get; init; }

    public IReadOnlyList<RuleException> Exceptions { get; init; } = [];

    public required SourceText Output { get; init; }

    public IReadOnlyList<string> Equivalents { get; init; } = [];

    public AggregateSpec? Aggregate { get; init; }

    /// <summary>The rule file.</summary>
    public required string File { get; init; }

    /// <summary>The line of the rule's <c>rule:</c> key.</summary>
    public int Line { get; init; }
}
