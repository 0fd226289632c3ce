using Bulwark.Model;
using Bulwark.PodSecurity;

namespace Bulwark.Rules.Pod;

/// <summary>
/// Reads the Pod Security Admission labels of a Namespace object for the namespace-pss-* rules, with the parsing of
/// <see cref="PodSecurityLevels"/> and <see cref="PolicyVersion"/> (spec/PSA.md 1 and 5.2): levels are exactly
/// privileged, baseline or restricted (case-sensitive); versions are <c>latest</c> or <c>v1.N</c>.
/// </summary>
public static class NamespacePodSecurity
{
    public const string LabelPrefix = NamespacePolicy.LabelPrefix;

    /// <summary>Annotation stating why a namespace cannot enforce restricted (accepted for baseline).</summary>
    public const string ReasonAnnotation = "bulwark.dev/pod-security-reason";

    /// <summary>How many failing workloads a namespace message names before summarising.</summary>
    private const int NamedWorkloads = 3;

    public static readonly IReadOnlyList<string> Modes = ["enforce", "audit", "warn"];

    public static IReadOnlyList<string> KnownLabels => NamespacePolicy.LabelNames;

    public static IEnumerable<KubeObject> Namespaces(RuleContext context) => context.Inventory.OfKind(string.Empty, "Namespace");

    /// <summary>Namespaces listed in the systemNamespaces parameter (platform namespaces that legitimately run privileged pods).</summary>
    public static bool IsSystem(RuleContext context, KubeObject ns) => context.Parameters.SystemNamespaces.Contains(ns.Name);

    /// <summary>JSON pointer of a PSA label ("enforce", "audit-version", ...).</summary>
    public static string Pointer(string label) => JsonPointer.Join("metadata", "labels", LabelPrefix + label);

    /// <summary>The label's value ("" for an empty or null value, which Kubernetes reads as the empty string); null when absent.</summary>
    public static string? Label(KubeObject ns, string label) =>
        ns.Labels?.Get(LabelPrefix + label) is ScalarNode s ? (s.IsNull ? string.Empty : s.Value) : null;

    public static PodSecurityLevel? ParseLevel(string? value) => PodSecurityLevels.TryParse(value, out var level) ? level : null;

    public static bool IsValidVersion(string value) => PolicyVersion.TryParse(value, out _);

    public static string Name(PodSecurityLevel level) => level.ToLabel();

    /// <summary>
    /// The "would break" evidence for a namespace: how many pod-bearing objects of the input in it fail
    /// restricted:latest, naming the first few, e.g. <c>2 workloads in the input would fail restricted (Deployment/web, Pod/debug)</c>.
    /// </summary>
    public static string RestrictedEvidence(RuleContext context, KubeObject ns)
    {
        var total = context.Inventory.PodTemplates.Count(p => NamespaceAssessment.NamespaceOf(p) == ns.Name);
        if (total == 0)
        {
            return "no workload in the input runs in it";
        }

        var failing = NamespaceAssessment.FailingRestrictedIn(context.Inventory, ns.Name, context.Config.PodSecurity, EvaluatorFor(context));
        if (failing.Count == 0)
        {
            return total == 1 ? "its 1 workload in the input passes restricted" : $"all {total} workloads in the input pass restricted";
        }

        var names = failing.Take(NamedWorkloads).Select(f => f.Pod.Owner.Kind + "/" + f.Pod.Owner.Name).ToList();
        if (failing.Count > NamedWorkloads)
        {
            names.Add($"{failing.Count - NamedWorkloads} more");
        }

        var what = total == 1 ? "its 1 workload in the input would fail"
            : failing.Count == total ? $"all {total} of its workloads in the input would fail"
            : $"{failing.Count} of its {total} workloads in the input would fail";

        return $"{what} restricted ({string.Join(", ", names)})";
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<PolicyVersion, PodSecurityEvaluator> Evaluators = new();

    /// <summary>The evaluator the scan uses: the newest version comes from the podSecurityNewestVersion parameter.</summary>
    public static PodSecurityEvaluator EvaluatorFor(RuleContext context) =>
        Evaluators.GetOrAdd(context.Parameters.PodSecurityNewestVersion, v => new PodSecurityEvaluator(v));
}
