using Bulwark.Model;
using Bulwark.PodSecurity.Checks;
using k8s.Models;

namespace Bulwark.PodSecurity;

/// <summary>
/// Evaluates a pod against a Pod Security Standards level at a policy version, exactly as Kubernetes' Pod Security
/// Admission (k8s.io/pod-security-admission, <c>policy</c> package) does: same checks per version, same order, same
/// messages. A pure function of (policy, pod metadata, pod spec); thread-safe.
/// </summary>
public sealed class PodSecurityEvaluator
{
    /// <summary>The default newest version: v1.35, the newest policy of the newest released upstream line (1.36).</summary>
    public static PolicyVersion DefaultNewestVersion { get; } = PolicyVersion.V1(35);

    /// <summary>The newest version any check knows (v1.37, upstream master).</summary>
    public static PolicyVersion NewestKnownVersion => CheckRegistry.NewestKnownVersion;

    /// <summary>Every check, baseline then restricted, each sorted by id.</summary>
    public static IReadOnlyList<PodSecurityCheck> Checks => CheckRegistry.All;

    /// <summary>An evaluator whose newest version is <see cref="DefaultNewestVersion"/>.</summary>
    public PodSecurityEvaluator()
        : this(DefaultNewestVersion)
    {
    }

    /// <summary>
    /// An evaluator that evaluates <c>latest</c> and any newer numbered version as <paramref name="newestVersion"/>
    /// (like upstream's emulation version). <c>latest</c> or a version above <see cref="NewestKnownVersion"/> means
    /// <see cref="NewestKnownVersion"/>.
    /// </summary>
    public PodSecurityEvaluator(PolicyVersion newestVersion)
    {
        NewestVersion = newestVersion > NewestKnownVersion ? NewestKnownVersion : newestVersion;
    }

    /// <summary>The version <c>latest</c> stands for (always numbered).</summary>
    public PolicyVersion NewestVersion { get; }

    /// <summary>The numbered version whose checks run for <paramref name="version"/>.</summary>
    public PolicyVersion EvaluatedVersion(PolicyVersion version) => version > NewestVersion ? NewestVersion : version;

    /// <summary>
    /// Evaluates a pod spec with its metadata (annotations matter for AppArmor and pre-1.19 seccomp). The API server's
    /// defaults (<see cref="ApiServerDefaults"/>) are applied first; <paramref name="source"/> says whether the spec
    /// is a Pod's own or a template's, as some defaults apply to Pods only.
    /// </summary>
    public PodSecurityResult Evaluate(LevelVersion policy, V1ObjectMeta? podMetadata, V1PodSpec podSpec, PodSpecSource source = PodSpecSource.Template)
    {
        ArgumentNullException.ThrowIfNull(podSpec);
        var version = EvaluatedVersion(policy.Version);
        var checks = CheckRegistry.Select(policy.Level, version);
        if (checks.Count == 0)
        {
            return new PodSecurityResult(policy, version, []);
        }

        var pod = new PodInput(podMetadata, ApiServerDefaults.Apply(podSpec, source));
        var failures = new List<PodSecurityFailure>();
        foreach (var (check, behaviour) in checks)
        {
            var result = behaviour.Evaluate(pod);
            if (!result.Allowed)
            {
                failures.Add(new PodSecurityFailure(
                    check.Id,
                    result.Reason.Length == 0 ? "unknown forbidden reason" : result.Reason,
                    result.Detail));
            }
        }

        return new PodSecurityResult(policy, version, failures);
    }

    /// <summary>Evaluates the pod an object runs (a Pod's spec, or the template of a controller or PodTemplate).</summary>
    public PodSecurityResult Evaluate(LevelVersion policy, PodTemplate pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var source = pod.Owner.Kind == "Pod" && pod.Owner.Group.Length == 0 ? PodSpecSource.Pod : PodSpecSource.Template;
        return Evaluate(policy, pod.Metadata, pod.Spec, source);
    }
}
