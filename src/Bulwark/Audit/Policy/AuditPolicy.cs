using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Policy;

/// <summary>The audit stages, in the order the API server emits them.</summary>
public static class AuditStages
{
    public const string RequestReceived = "RequestReceived";
    public const string ResponseStarted = "ResponseStarted";
    public const string ResponseComplete = "ResponseComplete";
    public const string Panic = "Panic";

    public static readonly IReadOnlyList<string> All = [RequestReceived, ResponseStarted, ResponseComplete, Panic];
}

/// <summary>One entry of a policy rule's <c>resources</c>: an API group ("" = core), resources and optional names.</summary>
public sealed record PolicyGroupResources(string Group, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames)
{
    public PolicyGroupResources(string group, params string[] resources)
        : this(group, resources, [])
    {
    }
}

/// <summary>
/// A rule of an audit Policy (audit.k8s.io/v1 PolicyRule). Empty lists mean "any", as upstream. <see cref="Line"/> is
/// where the rule starts in the file it was read from (0 for a generated rule).
/// </summary>
public sealed record AuditPolicyRule
{
    public required AuditLevel Level { get; init; }

    public IReadOnlyList<string> Users { get; init; } = [];

    public IReadOnlyList<string> UserGroups { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<PolicyGroupResources> Resources { get; init; } = [];

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public IReadOnlyList<string> NonResourceURLs { get; init; } = [];

    public IReadOnlyList<string> OmitStages { get; init; } = [];

    public bool? OmitManagedFields { get; init; }

    /// <summary>The rule's 1-based position in the policy.</summary>
    public int Number { get; init; }

    public int Line { get; init; }

    /// <summary>Where the rule's omitStages are written (0: not written).</summary>
    public int OmitStagesLine { get; init; }

    /// <summary>Whether the rule only matches resource requests (it has resources or namespaces).</summary>
    public bool IsResourceRule => Resources.Count > 0 || Namespaces.Count > 0;

    /// <summary>"rule 3 (line 14)", or "rule 3" for a generated rule.</summary>
    public string Describe() => Line > 0 ? $"rule {Number} (line {Line})" : $"rule {Number}";
}

/// <summary>An audit Policy (audit.k8s.io/v1 or v1beta1).</summary>
public sealed record AuditPolicy
{
    public const string V1 = "audit.k8s.io/v1";
    public const string V1Beta1 = "audit.k8s.io/v1beta1";

    public string ApiVersion { get; init; } = V1;

    public IReadOnlyList<string> OmitStages { get; init; } = [];

    /// <summary>Where the global omitStages are written (0: not written).</summary>
    public int OmitStagesLine { get; init; }

    public bool OmitManagedFields { get; init; }

    public IReadOnlyList<AuditPolicyRule> Rules { get; init; } = [];

    /// <summary>The file it was read from (empty for a generated policy).</summary>
    public string File { get; init; } = string.Empty;
}
