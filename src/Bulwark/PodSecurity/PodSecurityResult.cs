namespace Bulwark.PodSecurity;

/// <summary>One failing check: its upstream id (e.g. <c>runAsNonRoot</c>), the short reason and the detail (may be empty).</summary>
public sealed record PodSecurityFailure(string Check, string Reason, string Detail)
{
    /// <summary>The reason followed by <c> (detail)</c> when there is a detail, as upstream prints one failure.</summary>
    public override string ToString() => Detail.Length == 0 ? Reason : Reason + " (" + Detail + ")";
}

/// <summary>The outcome of evaluating one pod against one policy.</summary>
public sealed class PodSecurityResult
{
    internal PodSecurityResult(LevelVersion policy, PolicyVersion evaluatedVersion, IReadOnlyList<PodSecurityFailure> failures)
    {
        Policy = policy;
        EvaluatedVersion = evaluatedVersion;
        Failures = failures;
    }

    /// <summary>The policy as requested (its printed form is the label's spelling, e.g. <c>restricted:latest</c>).</summary>
    public LevelVersion Policy { get; }

    /// <summary>The numbered version whose checks actually ran (<c>latest</c> and newer versions are clamped).</summary>
    public PolicyVersion EvaluatedVersion { get; }

    /// <summary>True when no check failed.</summary>
    public bool Allowed => Failures.Count == 0;

    /// <summary>The failing checks, in upstream's check order.</summary>
    public IReadOnlyList<PodSecurityFailure> Failures { get; }

    /// <summary>The reasons joined with <c>", "</c> (what upstream shows when it summarises pods by reason).</summary>
    public string Reasons => string.Join(", ", Failures.Select(f => f.Reason));

    /// <summary>Every failure as <c>reason (detail)</c>, joined with <c>", "</c>; empty when allowed.</summary>
    public string Details => string.Join(", ", Failures.Select(f => f.ToString()));

    /// <summary>
    /// The enforcement message, <c>violates PodSecurity "&lt;level&gt;:&lt;version&gt;": &lt;details&gt;</c>, or an empty
    /// string when allowed. (A denied Pod's API error wraps it as <c>pods "&lt;name&gt;" is forbidden: …</c>.)
    /// </summary>
    public string Message => Allowed ? string.Empty : "violates PodSecurity \"" + Policy + "\": " + Details;

    /// <summary>The audit/warn form, <c>would violate PodSecurity "&lt;level&gt;:&lt;version&gt;": &lt;details&gt;</c>; empty when allowed.</summary>
    public string WarningMessage => Allowed ? string.Empty : "would violate PodSecurity \"" + Policy + "\": " + Details;
}
