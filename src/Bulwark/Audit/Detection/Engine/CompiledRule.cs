using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Findings;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>A compiled exception of a rule.</summary>
public sealed record CompiledException(string Name, CompiledCondition Condition);

/// <summary>
/// A rule ready to run: its condition and exceptions as delegates, its output, and the stages, verbs and resources
/// it can match (from its stages and its condition), which the engine's index uses.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleDefinition definition, CompiledCondition condition, IReadOnlyList<CompiledException> exceptions, OutputTemplate output,
        IReadOnlyList<FieldRef> aggregateBy, FieldRef? distinct, bool enabled, int index, IReadOnlySet<string>? stages)
    {
        Definition = definition;
        Condition = condition;
        Exceptions = exceptions;
        Output = output;
        AggregateBy = aggregateBy;
        Distinct = distinct;
        Enabled = enabled;
        Index = index;
        Stages = stages;
    }

    public RuleDefinition Definition { get; }

    public string Id => Definition.Id;

    public Severity Severity => Definition.Severity;

    /// <summary>Whether the rule runs (its enabled flag, then audit.enable / audit.disable).</summary>
    public bool Enabled { get; }

    /// <summary>The level events must have for the rule to judge them (the rule's declared level).</summary>
    public AuditLevel Level => Definition.Level;

    /// <summary>The stages the rule can match; null: any stage, and events without one.</summary>
    public IReadOnlySet<string>? Stages { get; }

    /// <summary>The verbs the condition can match; null: not known from the condition.</summary>
    public IReadOnlySet<string>? Verbs => Condition.Facts.Verbs;

    /// <summary>The resources (objectRef.resource) the condition can match; null: not known from the condition.</summary>
    public IReadOnlySet<string>? Resources => Condition.Facts.Resources;

    /// <summary>The subresources the condition can match (<see cref="ConditionFacts.Absent"/>: none); null: not known.</summary>
    public IReadOnlySet<string>? Subresources => Condition.Facts.Subresources;

    public CompiledCondition Condition { get; }

    public IReadOnlyList<CompiledException> Exceptions { get; }

    public OutputTemplate Output { get; }

    public IReadOnlyList<FieldRef> AggregateBy { get; }

    public FieldRef? Distinct { get; }

    public bool IsStateful => Definition.Aggregate is not null;

    /// <summary>The rule's position in its compiled pack (an index into per-rule counters).</summary>
    internal int Index { get; }
}
