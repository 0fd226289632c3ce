using Bulwark.Model;

namespace Bulwark.PodSecurity;

/// <summary>A pod-bearing object with its evaluation against one policy.</summary>
public sealed record WorkloadResult(PodTemplate Pod, PodSecurityResult Result);

/// <summary>A pod-bearing object that Pod Security never evaluates, and why.</summary>
public sealed record ExemptWorkload(PodTemplate Pod, string Reason);

/// <summary>
/// What Pod Security Admission would do to the workloads of one namespace at its own labels, and what it would take to
/// enforce <c>restricted</c> there. Built by <see cref="NamespaceAssessment.Assess"/>.
/// </summary>
public sealed class NamespaceAssessment
{
    /// <summary>Namespace assumed for objects that set none (the namespace kubectl uses by default).</summary>
    public const string DefaultNamespace = "default";

    public required string Name { get; init; }

    /// <summary>The Namespace object, when the input has one (otherwise the namespace is only named by workloads).</summary>
    public KubeObject? Object { get; init; }

    public required NamespacePolicy Policy { get; init; }

    /// <summary>Why the whole namespace is exempt (exemptions.namespaces), or null.</summary>
    public string? Exempt { get; init; }

    /// <summary>Every pod-bearing object in the namespace, in input order.</summary>
    public required IReadOnlyList<PodTemplate> Workloads { get; init; }

    /// <summary>Workloads Pod Security skips: all of them in an exempt namespace, else those with an exempt runtimeClassName.</summary>
    public required IReadOnlyList<ExemptWorkload> ExemptWorkloads { get; init; }

    /// <summary>Pods the enforce policy would reject (enforce applies to Pods only).</summary>
    public required IReadOnlyList<WorkloadResult> Denied { get; init; }

    /// <summary>Controllers and templates failing the enforce policy: admitted themselves, but the pods they create would be rejected.</summary>
    public required IReadOnlyList<WorkloadResult> PodsWouldBeDenied { get; init; }

    /// <summary>Workloads that would get an audit-violations annotation.</summary>
    public required IReadOnlyList<WorkloadResult> Audited { get; init; }

    /// <summary>Workloads that would get a warning (never a denied Pod).</summary>
    public required IReadOnlyList<WorkloadResult> Warned { get; init; }

    /// <summary>Workloads (not exempt by runtimeClass) failing restricted:latest, with the failing checks.</summary>
    public required IReadOnlyList<WorkloadResult> FailingRestricted { get; init; }

    /// <summary>The strictest level every current workload passes at latest (runtimeClass-exempt workloads left out).</summary>
    public required PodSecurityLevel Recommended { get; init; }

    /// <summary>The namespace of a pod-bearing object (<see cref="DefaultNamespace"/> when its manifest sets none).</summary>
    public static string NamespaceOf(PodTemplate pod) => pod.Owner.Namespace ?? DefaultNamespace;

    /// <summary>True for a Pod (enforce applies), false for controllers, PodTemplates and CRDs.</summary>
    public static bool IsPod(PodTemplate pod) => pod.Owner.Kind == "Pod" && pod.Owner.Group.Length == 0;

    /// <summary>The workloads of the input that fail restricted:latest in a namespace (runtimeClass exemptions honoured).</summary>
    public static List<WorkloadResult> FailingRestrictedIn(
        Inventory inventory, string ns, PodSecurityConfiguration config, PodSecurityEvaluator evaluator)
    {
        var restricted = new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest);
        return inventory.PodTemplates
            .Where(p => NamespaceOf(p) == ns && !config.Exemptions.IsExemptRuntimeClass(p.Spec.RuntimeClassName))
            .Select(p => new WorkloadResult(p, evaluator.Evaluate(restricted, p)))
            .Where(r => !r.Result.Allowed)
            .ToList();
    }

    /// <summary>
    /// Assesses every namespace of the input: Namespace objects and namespaces named by pod-bearing objects, sorted by
    /// name. Labels are resolved with the configured defaults; exemptions apply as in admission.
    /// </summary>
    public static IReadOnlyList<NamespaceAssessment> Assess(Inventory inventory, PodSecurityConfiguration config, PodSecurityEvaluator evaluator)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ns in inventory.OfKind(string.Empty, "Namespace"))
        {
            names.Add(ns.Name);
        }

        var byNamespace = inventory.PodTemplates.ToLookup(NamespaceOf, StringComparer.Ordinal);
        foreach (var group in byNamespace)
        {
            names.Add(group.Key);
        }

        return names.Select(n => AssessOne(n, inventory.FindNamespace(n), byNamespace[n].ToList(), config, evaluator)).ToList();
    }

    private static NamespaceAssessment AssessOne(
        string name, KubeObject? obj, List<PodTemplate> workloads, PodSecurityConfiguration config, PodSecurityEvaluator evaluator)
    {
        var policy = NamespacePolicy.Resolve(obj, config.Defaults);
        var exemptNamespace = config.ExemptionOf(name, null);
        var exempt = new List<ExemptWorkload>();
        var denied = new List<WorkloadResult>();
        var podsDenied = new List<WorkloadResult>();
        var audited = new List<WorkloadResult>();
        var warned = new List<WorkloadResult>();
        var failing = new List<WorkloadResult>();
        var passBaseline = true;
        var restricted = new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest);
        var baseline = new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.Latest);
        foreach (var pod in workloads)
        {
            var runtimeClassExemption = config.ExemptionOf(null, pod.Spec.RuntimeClassName);
            if (runtimeClassExemption is null)
            {
                var atRestricted = evaluator.Evaluate(restricted, pod);
                if (!atRestricted.Allowed)
                {
                    failing.Add(new WorkloadResult(pod, atRestricted));
                    passBaseline &= evaluator.Evaluate(baseline, pod).Allowed;
                }
            }

            if ((exemptNamespace ?? runtimeClassExemption) is { } reason)
            {
                exempt.Add(new ExemptWorkload(pod, reason));
                continue;
            }

            var isPod = IsPod(pod);
            var isDenied = false;
            if (policy.Enforce.Level != PodSecurityLevel.Privileged)
            {
                var enforce = evaluator.Evaluate(policy.Enforce, pod);
                if (!enforce.Allowed)
                {
                    isDenied = isPod;
                    (isPod ? denied : podsDenied).Add(new WorkloadResult(pod, enforce));
                }
            }

            if (policy.Audit.Level != PodSecurityLevel.Privileged && evaluator.Evaluate(policy.Audit, pod) is { Allowed: false } audit)
            {
                audited.Add(new WorkloadResult(pod, audit));
            }

            if (!isDenied && policy.Warn.Level != PodSecurityLevel.Privileged && evaluator.Evaluate(policy.Warn, pod) is { Allowed: false } warn)
            {
                warned.Add(new WorkloadResult(pod, warn));
            }
        }

        return new NamespaceAssessment
        {
            Name = name,
            Object = obj,
            Policy = policy,
            Exempt = exemptNamespace,
            Workloads = workloads,
            ExemptWorkloads = exempt,
            Denied = denied,
            PodsWouldBeDenied = podsDenied,
            Audited = audited,
            Warned = warned,
            FailingRestricted = failing,
            Recommended = failing.Count == 0 ? PodSecurityLevel.Restricted
                : passBaseline ? PodSecurityLevel.Baseline
                : PodSecurityLevel.Privileged,
        };
    }
}
