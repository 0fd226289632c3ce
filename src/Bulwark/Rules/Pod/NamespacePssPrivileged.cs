using Bulwark.Findings;

namespace Bulwark.Rules.Pod;

public sealed class NamespacePssPrivileged : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-pss-privileged",
        Title = "Namespace enforces the privileged Pod Security level",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-1"],
        Rationale = "Enforcing privileged turns Pod Security Admission off for the namespace: privileged containers, host namespaces and hostPath volumes are all admitted. " +
            "The message says which workloads of the input in the namespace would fail restricted. Namespaces listed in the systemNamespaces parameter are skipped.",
        Remediation = "Set pod-security.kubernetes.io/enforce to restricted (or baseline for legacy workloads) and move workloads that truly need privileges to a dedicated platform namespace.",
        Parameters = ["systemNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        foreach (var ns in NamespacePodSecurity.Namespaces(context))
        {
            if (!NamespacePodSecurity.IsSystem(context, ns) && NamespacePodSecurity.Label(ns, "enforce") == "privileged")
            {
                var pointer = NamespacePodSecurity.Pointer("enforce");
                context.Report(ns, pointer, $"namespace \"{ns.Name}\" enforces the privileged Pod Security level, which admits any pod; {NamespacePodSecurity.RestrictedEvidence(context, ns)}",
                    fix: new Fix("enforce the restricted level", [new PatchOperation("replace", pointer, "restricted")]));
            }
        }
    }
}
