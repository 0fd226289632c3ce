using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules;

/// <summary>A violation as a rule reports it, before the engine locates and filters it.</summary>
public sealed record Violation(KubeObject? Object, ObjectRef Ref, string Pointer, string Message, string? Container, Fix? Fix, Location? Location)
{
    /// <summary>A severity for this violation only, for rules whose severity depends on what they found; a severity configured for the rule still wins.</summary>
    public Severity? Severity { get; init; }
}

/// <summary>What a rule sees: the inventory, the parameters from .bulwark.yaml, and a place to report.</summary>
public sealed class RuleContext
{
    private readonly List<Violation> _violations = new();

    public RuleContext(Rule rule, Inventory inventory, BulwarkConfig config)
    {
        Rule = rule;
        Inventory = inventory;
        Config = config;
    }

    public Rule Rule { get; }

    public Inventory Inventory { get; }

    public BulwarkConfig Config { get; }

    public RuleParameters Parameters => Config.Parameters;

    /// <summary>The scan's date (ScanOptions.Today), for rules that compare expiry dates.</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>Reports a violation at a field of an object (pointer relative to the object).</summary>
    public void Report(KubeObject obj, string pointer, string message, string? container = null, Fix? fix = null) =>
        _violations.Add(new Violation(obj, obj.Ref, pointer, message, container, fix, null));

    /// <summary>Reports a violation at a field of an object with a severity of its own (instead of the rule's default).</summary>
    public void Report(KubeObject obj, string pointer, string message, Severity severity, Fix? fix = null) =>
        _violations.Add(new Violation(obj, obj.Ref, pointer, message, null, fix, null) { Severity = severity });

    /// <summary>Reports a violation about a container of a pod.</summary>
    public void Report(PodTemplate pod, ContainerView container, string pointer, string message, Fix? fix = null) =>
        Report(pod.Owner, pointer, message, container.Name, fix);

    /// <summary>Reports a violation that lives outside the manifests (for example in .bulwark.yaml).</summary>
    public void ReportAt(ObjectRef target, string pointer, Location location, string message) =>
        _violations.Add(new Violation(null, target, pointer, message, null, null, location));
}
