using Bulwark.Findings;

namespace Bulwark.Rules;

/// <summary>The layers of the hardening guide, plus "meta" for findings about Bulwark's own exceptions.</summary>
public enum Layer
{
    Image,
    Pod,
    Rbac,
    Secrets,
    Network,
    Meta,
}

/// <summary>What a rule is: everything the catalog, the docs and each finding say about it.</summary>
public sealed record RuleInfo
{
    /// <summary>Stable kebab-case id, used in config, exception annotations and output.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public required Layer Layer { get; init; }

    /// <summary>CONTROLS.md ids the rule serves.</summary>
    public required IReadOnlyList<string> Controls { get; init; }

    /// <summary>Why it matters (and, where scanners disagree, which semantics Bulwark chose).</summary>
    public required string Rationale { get; init; }

    /// <summary>How to fix it: a full sentence or more.</summary>
    public required string Remediation { get; init; }

    /// <summary>Rules off by default are enabled in .bulwark.yaml.</summary>
    public bool EnabledByDefault { get; init; } = true;

    /// <summary>Parameters from .bulwark.yaml the rule reads, for the docs.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];
}

/// <summary>
/// A built-in check. A rule is one file: its <see cref="Info"/> and its <see cref="Check"/>. Rules report
/// violations through the context; the engine turns them into findings (location, severity from config,
/// exceptions). A violation may carry a <see cref="Fix"/> that a later `bulwark fix` applies.
/// </summary>
public abstract class Rule
{
    public abstract RuleInfo Info { get; }

    public string Id => Info.Id;

    public abstract void Check(RuleContext context);
}
