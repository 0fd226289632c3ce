using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class NamespacePssInvalidLabel : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "namespace-pss-invalid-label",
        Title = "Namespace has an invalid Pod Security label",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-1"],
        Rationale = "Pod Security Admission rejects a Namespace whose enforce, audit or warn label is not exactly privileged, baseline or restricted, or whose *-version label is not latest or v1.N; on a namespace that already has one, an invalid enforce level fails closed (restricted) and an invalid audit or warn level fails open (privileged). " +
            "Other keys under pod-security.kubernetes.io/ (typos such as enforce-level) are ignored by Kubernetes and reported too. System namespaces are checked as well: an invalid label is a mistake anywhere.",
        Remediation = "Use one of privileged, baseline or restricted for enforce, audit and warn, latest or v1.N (for example v1.30) for the version labels, and only the six documented label keys.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var ns in NamespacePodSecurity.Namespaces(context))
        {
            if (ns.Labels is not { } labels)
            {
                continue;
            }

            foreach (var (key, node) in labels.Entries)
            {
                if (!key.Value.StartsWith(NamespacePodSecurity.LabelPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var label = key.Value[NamespacePodSecurity.LabelPrefix.Length..];
                var value = node is ScalarNode { IsNull: false } s ? s.Value : string.Empty;
                var pointer = NamespacePodSecurity.Pointer(label);
                if (!NamespacePodSecurity.KnownLabels.Contains(label))
                {
                    context.Report(ns, pointer, $"namespace \"{ns.Name}\" has the unknown label {key.Value}, which Pod Security Admission ignores");
                }
                else if (label.EndsWith("-version", StringComparison.Ordinal))
                {
                    if (!NamespacePodSecurity.IsValidVersion(value))
                    {
                        context.Report(ns, pointer, $"namespace \"{ns.Name}\" label {key.Value} is \"{value}\", not \"latest\" or \"v1.N\"");
                    }
                }
                else if (NamespacePodSecurity.ParseLevel(value) is null)
                {
                    var effect = label == "enforce" ? "enforcement falls back to restricted" : $"{label} falls back to privileged";
                    context.Report(ns, pointer,
                        $"namespace \"{ns.Name}\" label {key.Value} is \"{value}\", not privileged, baseline or restricted (the namespace is rejected, or {effect})");
                }
            }
        }
    }
}
