using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules;

/// <summary>A violation as a rule reports it, before the engine locates and filters it.</summary>
public sealed record Violation(KubeObject? Object, ObjectRef Ref, string Pointer, string Message, string? Container, Fix? Fix, Location? Location)
{
    /// <summary>A severity for this violation only, for rules whose severity depends on what they found; a severity configured for the rule still wins.</summary>
    public Severity? Severity { get; init; }

    /// <summary>The controls this violation concerns, for rules that serve several (default: the rule's controls).</summary>
    public IReadOnlyList<string>? Controls { get; init; }
}

/// <summary>Turns a rule's violation into a finding (located, severity applied) and decides whether an exception hides it.</summary>
public interface IFindingFactory
{
    (Finding Finding, bool Suppressed) Create(Rule rule, Violation violation);
}

/// <summary>What a rule sees: the inventory, the parameters from .bulwark.yaml, and a place to report.</summary>
public sealed class RuleContext
{
    private readonly IFindingFactory _factory;
    private readonly List<Finding> _findings = new();
    private readonly List<Finding> _suppressed = new();

    public RuleContext(Rule rule, Inventory inventory, BulwarkConfig config, IFindingFactory factory)
    {
        Rule = rule;
        Inventory = inventory;
        Config = config;
        _factory = factory;
    }

    public Rule Rule { get; }

    public Inventory Inventory { get; }

    public BulwarkConfig Config { get; }

    public RuleParameters Parameters => Config.Parameters;

    /// <summary>The scan's date (ScanOptions.Today), for rules that compare expiry dates.</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>What the rule reported, as findings (built as they are reported, so violations are never held twice).</summary>
    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>What the rule reported that an exception hides.</summary>
    public IReadOnlyList<Finding> Suppressed => _suppressed;

    /// <summary>Reports a violation at a field of an object (pointer relative to the object).</summary>
    public void Report(KubeObject obj, string pointer, string message, string? container = null, Fix? fix = null) =>
        Add(new Violation(obj, obj.Ref, pointer, message, container, fix, null));

    /// <summary>Reports a violation at a field of an object with a severity of its own (instead of the rule's default).</summary>
    public void Report(KubeObject obj, string pointer, string message, Severity severity, Fix? fix = null) =>
        Add(new Violation(obj, obj.Ref, pointer, message, null, fix, null) { Severity = severity });

    /// <summary>Reports a violation at a field of an object that concerns only some of the rule's controls.</summary>
    public void ReportControls(KubeObject obj, string pointer, string message, IReadOnlyList<string> controls, Severity? severity = null) =>
        Add(new Violation(obj, obj.Ref, pointer, message, null, null, null) { Controls = controls, Severity = severity });

    /// <summary>Reports a violation about a container of a pod.</summary>
    public void Report(PodTemplate pod, ContainerView container, string pointer, string message, Fix? fix = null) =>
        Report(pod.Owner, pointer, message, container.Name, fix);

    /// <summary>Reports a violation that lives outside the manifests (for example in .bulwark.yaml).</summary>
    public void ReportAt(ObjectRef target, string pointer, Location location, string message) =>
        Add(new Violation(null, target, pointer, message, null, null, location));

    private void Add(Violation violation)
    {
        var (finding, suppressed) = _factory.Create(Rule, violation);
        (suppressed ? _suppressed : _findings).Add(finding);
    }
}
