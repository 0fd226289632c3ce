namespace Bulwark.Rbac.Generate;

/// <summary>Options of <see cref="PolicyGenerator"/>.</summary>
public sealed record GenerateOptions
{
    /// <summary>The default of <see cref="MaxResourceNames"/>.</summary>
    public const int DefaultMaxResourceNames = 5;

    /// <summary>Generate only Roles: cluster-scoped requests and non-resource URLs are reported as skipped.</summary>
    public bool NamespaceScoped { get; init; }

    /// <summary>
    /// A verb keeps resourceNames when every request of it carried a name the authorizer saw and at most this many
    /// distinct names were used; above it, the verb is granted on every name (and a note says so). 0 never keeps names.
    /// </summary>
    public int MaxResourceNames { get; init; } = DefaultMaxResourceNames;

    /// <summary>Leave out requests the authorizer denied (by default they are included: they show what the subject needs).</summary>
    public bool AllowedOnly { get; init; }

    /// <summary>Also generate what the default roles already grant every authenticated user (discovery, health and version URLs, self-reviews).</summary>
    public bool IncludeDefaultGrants { get; init; }

    /// <summary>The name of the generated roles and bindings (default bulwark:NAME, or bulwark:NAMESPACE:NAME for a service account).</summary>
    public string? Name { get; init; }
}

/// <summary>One PolicyRule of a generated role, with the remarks written above it.</summary>
public sealed record GeneratedRule(
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> DeniedRequests);

/// <summary>A generated Role (namespace set) or ClusterRole (namespace null), bound to the subject by a binding of the same name.</summary>
public sealed record GeneratedRole(string Name, string? Namespace, IReadOnlyList<GeneratedRule> Rules)
{
    public bool IsClusterRole => Namespace is null;

    public string Kind => IsClusterRole ? "ClusterRole" : "Role";

    public string BindingKind => IsClusterRole ? "ClusterRoleBinding" : "RoleBinding";
}

/// <summary>What was read and how much of it made it into the policy.</summary>
public sealed record GenerateCounts
{
    /// <summary>Requests of the subject, each counted once whatever the number of stages logged.</summary>
    public int Requests { get; init; }

    public int Allowed { get; init; }

    /// <summary>Requests the authorizer denied (authorization.k8s.io/decision forbid, or a 403 without that annotation).</summary>
    public int Denied { get; init; }

    /// <summary>Requests left out because the default roles grant them to every authenticated user.</summary>
    public int CoveredByDefaultRoles { get; init; }

    /// <summary>Requests left out: denied with --allowed-only, failed authentication (401), or without verb or resource.</summary>
    public int LeftOut { get; init; }

    /// <summary>Events of the subject that repeated a request already counted (other stages of the same auditID).</summary>
    public int ExtraStages { get; init; }

    /// <summary>Events of other identities.</summary>
    public int OtherEvents { get; init; }
}

/// <summary>The least-privilege policy for one subject, with what could not be expressed.</summary>
public sealed record GeneratedPolicy
{
    public required AuditSubject Subject { get; init; }

    /// <summary>ClusterRole first (if any), then Roles by namespace.</summary>
    public required IReadOnlyList<GeneratedRole> Roles { get; init; }

    public required GenerateCounts Counts { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Permissions used but not generated (cluster-scoped ones with --namespace-scoped), one line each.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>Remarks on the compaction (names dropped above the threshold...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
