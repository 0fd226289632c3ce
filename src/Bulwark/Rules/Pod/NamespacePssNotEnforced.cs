using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class NamespacePssNotEnforced : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-pss-not-enforced",
        Title = "Namespace does not enforce a Pod Security level",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-1"],
        Rationale = "Without a pod-security.kubernetes.io/enforce label, Pod Security Admission applies the cluster default, which is privileged (no checks at all) unless the API server was configured otherwise. " +
            "Only Namespace objects in the input are checked. The message says which workloads of the input in the namespace would fail restricted (the evidence of what enforcing it would break; see bulwark pss namespaces). Namespaces listed in the systemNamespaces parameter (kube-system, kube-public and kube-node-lease by default) are skipped, because platform components there legitimately need privileges.",
        Remediation = "Label the namespace pod-security.kubernetes.io/enforce: restricted (baseline at most for legacy workloads, with a stated reason).",
        Parameters = ["systemNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        foreach (var ns in NamespacePodSecurity.Namespaces(context))
        {
            if (NamespacePodSecurity.IsSystem(context, ns) || NamespacePodSecurity.Label(ns, "enforce") is not null)
            {
                continue;
            }

            var pointer = NamespacePodSecurity.Pointer("enforce");
            var fix = ns.Labels is not null
                ? new Fix("enforce the restricted level", [new PatchOperation("add", pointer, "restricted")])
                : new Fix("enforce the restricted level", [new PatchOperation("add", "/metadata/labels",
                    new Dictionary<string, string> { [NamespacePodSecurity.LabelPrefix + "enforce"] = "restricted" })]);
            context.Report(ns, pointer,
                $"namespace \"{ns.Name}\" has no {NamespacePodSecurity.LabelPrefix}enforce label, so pods are admitted at the cluster default (privileged unless configured); {NamespacePodSecurity.RestrictedEvidence(context, ns)}",
                fix: fix);
        }
    }
}
