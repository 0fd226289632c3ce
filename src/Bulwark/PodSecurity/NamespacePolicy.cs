using Bulwark.Model;

namespace Bulwark.PodSecurity;

/// <summary>A Pod Security label of a namespace that does not parse, as the API server reports it.</summary>
public sealed record LabelError(string Label, string Value, string Message)
{
    /// <summary>The field path, <c>metadata.labels[pod-security.kubernetes.io/enforce]</c>.</summary>
    public string Field => "metadata.labels[" + Label + "]";

    /// <summary>Upstream's field error text: <c>metadata.labels[…]: Invalid value: "x": must be …</c>.</summary>
    public override string ToString() => $"{Field}: Invalid value: \"{Value}\": {Message}";
}

/// <summary>
/// The effective enforce, audit and warn policies of a namespace, resolved from its labels and the configured
/// defaults exactly as Pod Security Admission does (spec/PSA.md 5.2).
/// </summary>
public sealed record NamespacePolicy(LevelVersion Enforce, LevelVersion Audit, LevelVersion Warn, IReadOnlyList<LabelError> Errors)
{
    public const string LabelPrefix = "pod-security.kubernetes.io/";
    public const string EnforceLabel = LabelPrefix + "enforce";
    public const string EnforceVersionLabel = LabelPrefix + "enforce-version";
    public const string AuditLabel = LabelPrefix + "audit";
    public const string AuditVersionLabel = LabelPrefix + "audit-version";
    public const string WarnLabel = LabelPrefix + "warn";
    public const string WarnVersionLabel = LabelPrefix + "warn-version";
    public const string LevelMessage = "must be one of privileged, baseline, restricted";
    public const string VersionMessage = "must be \"latest\" or \"v1.x\"";

    /// <summary>The six label names without the prefix, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> LabelNames = ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"];

    /// <summary>True when all three modes are privileged and no label failed to parse (admission then allows without evaluating).</summary>
    public bool IsPrivilegedOnly => Errors.Count == 0 && Enforce.Level == PodSecurityLevel.Privileged &&
        Audit.Level == PodSecurityLevel.Privileged && Warn.Level == PodSecurityLevel.Privileged;

    /// <summary>The API server's <c>error</c> audit annotation: <c>Failed to parse policy: …</c> (several errors in brackets); empty without errors.</summary>
    public string ErrorMessage => Errors.Count switch
    {
        0 => string.Empty,
        1 => "Failed to parse policy: " + Errors[0],
        _ => "Failed to parse policy: [" + string.Join(", ", Errors) + "]",
    };

    /// <summary>
    /// Resolves a namespace's policy from all its labels (null or empty: no labels, the defaults unchanged).
    /// Invalid enforce fails closed (restricted), invalid audit/warn fail open (privileged), invalid versions mean
    /// latest; warn takes enforce's level (and version unless warn-version is set) when only a valid, stricter
    /// enforce label is present.
    /// </summary>
    public static NamespacePolicy Resolve(IReadOnlyDictionary<string, string>? labels, PodSecurityDefaults? defaults = null)
    {
        defaults ??= PodSecurityDefaults.Privileged;
        var enforce = defaults.Enforce;
        var audit = defaults.Audit;
        var warn = defaults.Warn;
        if (labels is null || labels.Count == 0)
        {
            return new NamespacePolicy(enforce, audit, warn, []);
        }

        var errors = new List<LabelError>();
        var hasValidEnforce = false;
        if (labels.TryGetValue(EnforceLabel, out var value))
        {
            hasValidEnforce = PodSecurityLevels.TryParse(value, out var level); // a failed parse hands back restricted
            enforce = enforce with { Level = level };
            AddLevelError(errors, hasValidEnforce, EnforceLabel, value);
        }

        if (labels.TryGetValue(EnforceVersionLabel, out value))
        {
            enforce = enforce with { Version = ParseVersion(errors, EnforceVersionLabel, value) };
        }

        if (labels.TryGetValue(AuditLabel, out value))
        {
            audit = audit with { Level = ParseOpenLevel(errors, AuditLabel, value) };
        }

        if (labels.TryGetValue(AuditVersionLabel, out value))
        {
            audit = audit with { Version = ParseVersion(errors, AuditVersionLabel, value) };
        }

        var hasWarn = labels.TryGetValue(WarnLabel, out value);
        if (hasWarn)
        {
            warn = warn with { Level = ParseOpenLevel(errors, WarnLabel, value!) };
        }

        var hasWarnVersion = labels.TryGetValue(WarnVersionLabel, out value);
        if (hasWarnVersion)
        {
            warn = warn with { Version = ParseVersion(errors, WarnVersionLabel, value!) };
        }

        if (!hasWarn && hasValidEnforce && enforce.Level > warn.Level)
        {
            warn = hasWarnVersion ? warn with { Level = enforce.Level } : enforce;
        }

        return new NamespacePolicy(enforce, audit, warn, errors);
    }

    /// <summary>Resolves the policy of a Namespace object (null: a namespace only named by workloads, which has no labels here).</summary>
    public static NamespacePolicy Resolve(KubeObject? ns, PodSecurityDefaults? defaults = null) => Resolve(Labels(ns), defaults);

    /// <summary>All labels of an object as Kubernetes reads them (a null value is the empty string; non-scalar values are skipped).</summary>
    public static Dictionary<string, string> Labels(KubeObject? obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj?.Labels is { } labels)
        {
            foreach (var (key, node) in labels.Entries)
            {
                if (node is ScalarNode s)
                {
                    result[key.Value] = s.IsNull ? string.Empty : s.Value;
                }
            }
        }

        return result;
    }

    private static void AddLevelError(List<LabelError> errors, bool valid, string label, string value)
    {
        if (!valid)
        {
            errors.Add(new LabelError(label, value, LevelMessage));
        }
    }

    private static PodSecurityLevel ParseOpenLevel(List<LabelError> errors, string label, string value)
    {
        var valid = PodSecurityLevels.TryParse(value, out var level);
        AddLevelError(errors, valid, label, value);
        return valid ? level : PodSecurityLevel.Privileged;
    }

    private static PolicyVersion ParseVersion(List<LabelError> errors, string label, string value)
    {
        if (!PolicyVersion.TryParse(value, out var version))
        {
            errors.Add(new LabelError(label, value, VersionMessage));
        }

        return version;
    }
}
