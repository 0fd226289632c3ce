using Bulwark.Findings;
using Bulwark.PodSecurity;

namespace Bulwark.Rules.Pod;

public sealed class NamespacePssAuditWarnWeak : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-pss-audit-warn-weak",
        Title = "Namespace audits or warns at a weaker Pod Security level than it enforces",
        Severity = Severity.Info,
        Layer = Layer.Pod,
        Controls = ["POD-1"],
        Rationale = "The audit and warn modes show what would break at a stricter level; set weaker than enforce they show nothing. " +
            "Levels are compared after Pod Security Admission's defaulting: an absent audit label means privileged, so it is reported whenever enforce is stricter; an absent warn label takes the enforce level (and version), so it is not reported. " +
            "Namespaces listed in the systemNamespaces parameter and invalid labels (see namespace-pss-invalid-label) are skipped.",
        Remediation = "Set pod-security.kubernetes.io/audit and warn to at least the enforced level, ideally restricted, so violations are recorded and shown to users.",
        Parameters = ["systemNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        foreach (var ns in NamespacePodSecurity.Namespaces(context))
        {
            if (NamespacePodSecurity.IsSystem(context, ns) ||
                NamespacePodSecurity.ParseLevel(NamespacePodSecurity.Label(ns, "enforce")) is not { } enforce)
            {
                continue;
            }

            var enforceName = NamespacePodSecurity.Name(enforce);
            var audit = NamespacePodSecurity.Label(ns, "audit");
            if (audit is null && enforce > PodSecurityLevel.Privileged)
            {
                context.Report(ns, NamespacePodSecurity.Pointer("audit"),
                    $"namespace \"{ns.Name}\" has no {NamespacePodSecurity.LabelPrefix}audit label, so violations of {enforceName} or stricter are not audited");
            }

            foreach (var mode in new[] { "audit", "warn" })
            {
                if (NamespacePodSecurity.ParseLevel(NamespacePodSecurity.Label(ns, mode)) is { } level && level < enforce)
                {
                    context.Report(ns, NamespacePodSecurity.Pointer(mode),
                        $"namespace \"{ns.Name}\" sets {mode} to {NamespacePodSecurity.Name(level)}, weaker than the enforced {enforceName}");
                }
            }
        }
    }
}
