namespace Bulwark.Rbac.Paths;

/// <summary>
/// One edge of the escalation graph: <see cref="From"/> can obtain the permissions of <see cref="To"/>, through the
/// risk of the catalog (RBAC.md section 2) named by <see cref="Risk"/>, granted by <see cref="Via"/> (the first grant
/// is the one the edge is named after; compound edges such as bind + create bindings carry every grant they need).
/// </summary>
/// <param name="Scope">The namespace the edge acts in; empty for a cluster-wide edge.</param>
/// <param name="PrivilegedGroup">Set instead of grants when the power comes from system:masters.</param>
/// <param name="Condition">What must also hold outside RBAC for the edge to be usable; null when RBAC alone suffices.</param>
public sealed record EscalationEdge(
    Identity From,
    Identity To,
    string Risk,
    string Scope,
    IReadOnlyList<Grant> Via,
    string? PrivilegedGroup = null,
    string? Condition = null);

/// <summary>A shortest escalation path: the steps from <see cref="From"/> to the target, in order.</summary>
public sealed record EscalationPath(Identity From, IReadOnlyList<EscalationEdge> Steps)
{
    public Identity To => Steps.Count == 0 ? From : Steps[^1].To;
}

/// <summary>How escalation paths are searched.</summary>
public sealed record PathOptions
{
    /// <summary>Namespaces whose service accounts are presumed powerful (RBAC.md section 2; default kube-system).</summary>
    public IReadOnlySet<string> PrivilegedNamespaces { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "kube-system" };

    /// <summary>The longest path reported, in steps.</summary>
    public int MaxDepth { get; init; } = 8;

    /// <summary>
    /// Pod Security Admission defaults and exemptions (the <c>podSecurity:</c> key of .bulwark.yaml): they decide where
    /// creating a pod can escape to its node (a namespace whose enforce level is privileged, or an exempt one).
    /// </summary>
    public PodSecurity.PodSecurityConfiguration PodSecurity { get; init; } = Bulwark.PodSecurity.PodSecurityConfiguration.Default;

    /// <summary>Also start paths at system subjects (system:* users and groups, service accounts of kube-* namespaces).</summary>
    public bool IncludeSystemSubjects { get; init; }
}
