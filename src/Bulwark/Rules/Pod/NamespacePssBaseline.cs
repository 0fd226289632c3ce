using Bulwark.Findings;

namespace Bulwark.Rules.Pod;

public sealed class NamespacePssBaseline : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-pss-baseline",
        Title = "Namespace enforces baseline without a stated reason",
        Severity = Severity.Low,
        Layer = Layer.Pod,
        Controls = ["POD-1"],
        Rationale = "Baseline blocks known privilege escalations but still admits pods running as root, with privilege escalation allowed, all default capabilities and no seccomp profile; the guide accepts it only for legacy workloads. " +
            $"A namespace that states why it cannot be restricted, in a non-empty {NamespacePodSecurity.ReasonAnnotation} annotation, is not reported. The message says which workloads of the input in the namespace would fail restricted. Namespaces listed in the systemNamespaces parameter are skipped.",
        Remediation = $"Set pod-security.kubernetes.io/enforce to restricted, or record why the namespace cannot be restricted in the {NamespacePodSecurity.ReasonAnnotation} annotation.",
        Parameters = ["systemNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        foreach (var ns in NamespacePodSecurity.Namespaces(context))
        {
            if (NamespacePodSecurity.IsSystem(context, ns) || NamespacePodSecurity.Label(ns, "enforce") != "baseline" ||
                !string.IsNullOrWhiteSpace(ns.Annotations?.GetString(NamespacePodSecurity.ReasonAnnotation)))
            {
                continue;
            }

            context.Report(ns, NamespacePodSecurity.Pointer("enforce"),
                $"namespace \"{ns.Name}\" enforces only the baseline Pod Security level and gives no {NamespacePodSecurity.ReasonAnnotation} annotation saying why it cannot be restricted; {NamespacePodSecurity.RestrictedEvidence(context, ns)}");
        }
    }
}
