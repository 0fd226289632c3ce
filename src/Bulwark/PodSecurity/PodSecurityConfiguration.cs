namespace Bulwark.PodSecurity;

/// <summary>The cluster-wide default policy (<c>defaults</c> of a PodSecurityConfiguration): every mode privileged:latest unless configured.</summary>
public sealed record PodSecurityDefaults
{
    public static readonly PodSecurityDefaults Privileged = new();

    public LevelVersion Enforce { get; init; } = new(PodSecurityLevel.Privileged, PolicyVersion.Latest);

    public LevelVersion Audit { get; init; } = new(PodSecurityLevel.Privileged, PolicyVersion.Latest);

    public LevelVersion Warn { get; init; } = new(PodSecurityLevel.Privileged, PolicyVersion.Latest);
}

/// <summary>The <c>exemptions</c> of a PodSecurityConfiguration: exact, case-sensitive names that skip Pod Security entirely.</summary>
public sealed record PodSecurityExemptions
{
    public static readonly PodSecurityExemptions None = new();

    public IReadOnlyList<string> Usernames { get; init; } = [];

    public IReadOnlyList<string> RuntimeClasses { get; init; } = [];

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>True when <paramref name="ns"/> is listed (an empty name never matches).</summary>
    public bool IsExemptNamespace(string? ns) => !string.IsNullOrEmpty(ns) && Namespaces.Contains(ns, StringComparer.Ordinal);

    /// <summary>True when <paramref name="runtimeClass"/> is listed (an empty name never matches).</summary>
    public bool IsExemptRuntimeClass(string? runtimeClass) =>
        !string.IsNullOrEmpty(runtimeClass) && RuntimeClasses.Contains(runtimeClass, StringComparer.Ordinal);
}

/// <summary>
/// The body of the API server's PodSecurity admission configuration (<c>PodSecurityConfiguration</c>,
/// pod-security.admission.config.k8s.io v1/v1beta1/v1alpha1): defaults and exemptions.
/// </summary>
public sealed record PodSecurityConfiguration
{
    public static readonly PodSecurityConfiguration Default = new();

    public PodSecurityDefaults Defaults { get; init; } = PodSecurityDefaults.Privileged;

    public PodSecurityExemptions Exemptions { get; init; } = PodSecurityExemptions.None;

    /// <summary>Where it was read from (file, or file#podSecurity), for messages; null for the built-in default.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Why the pod of an object is exempt (<c>namespace "x" is exempt</c>, <c>runtimeClass "y" is exempt</c>), or null.
    /// Usernames never apply offline: there is no requesting user.
    /// </summary>
    public string? ExemptionOf(string? ns, string? runtimeClassName)
    {
        if (Exemptions.IsExemptNamespace(ns))
        {
            return $"namespace \"{ns}\" is exempt from Pod Security";
        }

        return Exemptions.IsExemptRuntimeClass(runtimeClassName)
            ? $"runtimeClass \"{runtimeClassName}\" is exempt from Pod Security"
            : null;
    }

    /// <summary>The note printed when username exemptions are configured.</summary>
    public string? UsernameNote => Exemptions.Usernames.Count == 0
        ? null
        : $"exemptions.usernames ({Exemptions.Usernames.Count}) not applied: offline evaluation has no requesting user";
}
