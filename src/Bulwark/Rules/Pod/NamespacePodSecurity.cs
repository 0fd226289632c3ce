using System.Text.RegularExpressions;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

/// <summary>Pod Security Admission levels, in strictness order.</summary>
public enum PodSecurityLevel
{
    Privileged = 0,
    Baseline = 1,
    Restricted = 2,
}

/// <summary>
/// Reads the Pod Security Admission labels of a Namespace object as the admission plugin does (spec/PSA.md 1 and
/// 5.2): levels are exactly privileged, baseline or restricted (case-sensitive); versions are <c>latest</c> or
/// <c>v1.N</c> (N = 0 or a number without a leading zero). Shared by the namespace-pss-* rules.
/// </summary>
public static class NamespacePodSecurity
{
    public const string LabelPrefix = "pod-security.kubernetes.io/";

    /// <summary>Annotation stating why a namespace cannot enforce restricted (accepted for baseline).</summary>
    public const string ReasonAnnotation = "bulwark.dev/pod-security-reason";

    public static readonly IReadOnlyList<string> Modes = ["enforce", "audit", "warn"];

    public static readonly IReadOnlyList<string> KnownLabels =
        ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"];

    private static readonly Regex Version = new(@"^(?:latest|v1\.(?:0|[1-9][0-9]*))$", RegexOptions.CultureInvariant);

    public static IEnumerable<KubeObject> Namespaces(RuleContext context) => context.Inventory.OfKind(string.Empty, "Namespace");

    /// <summary>Namespaces listed in the systemNamespaces parameter (platform namespaces that legitimately run privileged pods).</summary>
    public static bool IsSystem(RuleContext context, KubeObject ns) => context.Parameters.SystemNamespaces.Contains(ns.Name);

    /// <summary>JSON pointer of a PSA label ("enforce", "audit-version", ...).</summary>
    public static string Pointer(string label) => JsonPointer.Join("metadata", "labels", LabelPrefix + label);

    /// <summary>The label's value ("" for an empty or null value, which Kubernetes reads as the empty string); null when absent.</summary>
    public static string? Label(KubeObject ns, string label) =>
        ns.Labels?.Get(LabelPrefix + label) is ScalarNode s ? (s.IsNull ? string.Empty : s.Value) : null;

    public static PodSecurityLevel? ParseLevel(string? value) => value switch
    {
        "privileged" => PodSecurityLevel.Privileged,
        "baseline" => PodSecurityLevel.Baseline,
        "restricted" => PodSecurityLevel.Restricted,
        _ => null,
    };

    public static bool IsValidVersion(string value) => Version.IsMatch(value);

    public static string Name(PodSecurityLevel level) => level switch
    {
        PodSecurityLevel.Privileged => "privileged",
        PodSecurityLevel.Baseline => "baseline",
        _ => "restricted",
    };
}
