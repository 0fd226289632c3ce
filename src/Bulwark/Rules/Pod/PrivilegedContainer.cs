using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class PrivilegedContainer : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "privileged-container",
        Title = "Container runs privileged",
        Severity = Severity.Critical,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "A privileged container has every capability and access to all host devices; escaping to the node is trivial. Pod Security Admission forbids it at baseline.",
        Remediation = "Remove securityContext.privileged or set it to false; grant the one capability the workload needs instead.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (container.SecurityContext?.Privileged == true)
        {
            context.Report(pod, container, container.SecurityContextPointer("privileged"),
                $"{container.Describe()} runs privileged",
                new Fix("set privileged to false", [new PatchOperation("replace", container.SecurityContextPointer("privileged"), false)]));
        }
    }
}
