using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class CapabilitiesAdded : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "capabilities-added",
        Title = "Container adds capabilities",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-5", "POD-1"],
        Rationale = "Each added capability widens what a compromised process may do to the kernel and the node (SYS_ADMIN, NET_ADMIN, SYS_PTRACE and SYS_MODULE are escape primitives). " +
            "Entries of capabilities.add are compared with allowedCapabilities (default NET_BIND_SERVICE) by exact, case-sensitive string equality, as Pod Security Admission does: \"CAP_NET_BIND_SERVICE\" or \"net_bind_service\" is not \"NET_BIND_SERVICE\" and is reported, although container runtimes would accept those spellings. " +
            "The severity is high rather than critical, since many added capabilities are narrow. " +
            "Windows pods are skipped, as Kubernetes and Pod Security Admission (1.25+) do not apply capabilities to them.",
        Remediation = "Remove the capabilities from securityContext.capabilities.add, or, if the workload truly needs one, list it (spelled as the manifest spells it) in allowedCapabilities in .bulwark.yaml.",
        Parameters = ["allowedCapabilities"],
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var add = container.SecurityContext?.Capabilities?.Add;
        if (add is null)
        {
            return;
        }

        var allowed = context.Parameters.AllowedCapabilities;
        var extra = add.Select(c => c ?? string.Empty)
            .Where(c => !allowed.Contains(c, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (extra.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", extra.Select(c => $"\"{c}\""));
        var noun = extra.Count == 1 ? "capability" : "capabilities";
        context.Report(pod, container, container.SecurityContextPointer("capabilities/add"),
            $"{container.Describe()} adds the {noun} {names} beyond those allowed");
    }
}
