using Bulwark.Findings;

namespace Bulwark.Config;

/// <summary>Parameters rules read; every one has a default that follows the hardening guide.</summary>
public sealed record RuleParameters
{
    /// <summary>Containers must run with a UID above this (the guide: UID &gt; 10000).</summary>
    public long MinUid { get; init; } = 10000;

    /// <summary>Registries (host, or host/path prefix) images may come from; empty means the check is off.</summary>
    public IReadOnlyList<string> AllowedRegistries { get; init; } = [];

    /// <summary>Capabilities a container may add back after dropping ALL.</summary>
    public IReadOnlyList<string> AllowedCapabilities { get; init; } = ["NET_BIND_SERVICE"];

    /// <summary>Namespaces that hold sensitive or system workloads.</summary>
    public IReadOnlyList<string> SensitiveNamespaces { get; init; } = ["kube-system"];

    /// <summary>
    /// The newest Pod Security policy version to evaluate: what "latest" means, as on the API server you run
    /// (default v1.35, the newest released upstream line; up to v1.37).
    /// </summary>
    public PodSecurity.PolicyVersion PodSecurityNewestVersion { get; init; } = PodSecurity.PodSecurityEvaluator.DefaultNewestVersion;

    /// <summary>Namespaces where workloads may bind broad roles or run privileged (platform namespaces).</summary>
    public IReadOnlyList<string> SystemNamespaces { get; init; } = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>The cluster's own address ranges (pods, Services, nodes); NetworkPolicy egress beyond them counts as internet egress.</summary>
    public IReadOnlyList<string> ClusterCidrs { get; init; } = Network.Gaps.GapOptions.DefaultClusterCidrs;
}

/// <summary>A rule's switch and severity as configured.</summary>
public sealed record RuleSetting(bool? Enabled, Severity? Severity);

/// <summary>An exception from .bulwark.yaml: which findings it hides, why, and until when.</summary>
public sealed record ExceptionEntry
{
    public required string Rule { get; init; }

    /// <summary>Glob over "Kind/namespace/name" (or "Kind/name" for cluster-scoped objects); "*" matches any run of characters.</summary>
    public string Object { get; init; } = "*";

    public string? Container { get; init; }

    public string Reason { get; init; } = string.Empty;

    public DateOnly? Expires { get; init; }

    public Location? Location { get; init; }
}

/// <summary>The contents of .bulwark.yaml.</summary>
public sealed record BulwarkConfig
{
    public static readonly BulwarkConfig Default = new();

    /// <summary>The file it was read from, if any.</summary>
    public string? Path { get; init; }

    public IReadOnlyDictionary<string, RuleSetting> Rules { get; init; } = new Dictionary<string, RuleSetting>();

    public RuleParameters Parameters { get; init; } = new();

    public IReadOnlyList<ExceptionEntry> Exceptions { get; init; } = [];

    /// <summary>Whether exception annotations on objects are honoured (platform teams may allow config exceptions only).</summary>
    public bool AllowAnnotationExceptions { get; init; } = true;

    /// <summary>Pod Security Admission defaults and exemptions (the <c>podSecurity:</c> key; same shape as the API server's PodSecurityConfiguration).</summary>
    public PodSecurity.PodSecurityConfiguration PodSecurity { get; init; } = Bulwark.PodSecurity.PodSecurityConfiguration.Default;

    /// <summary>Audit detection tuning (the <c>audit:</c> key: lists, macros, enable, disable); names are checked against the loaded rules.</summary>
    public Bulwark.Audit.Detection.Rules.AuditTuning Audit { get; init; } = Bulwark.Audit.Detection.Rules.AuditTuning.None;
}
