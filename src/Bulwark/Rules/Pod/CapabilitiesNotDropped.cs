using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class CapabilitiesNotDropped : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "capabilities-not-dropped",
        Title = "Container does not drop all capabilities",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-5", "POD-1"],
        Rationale = "Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID, ...) that most workloads never use and that attacks such as ARP or DNS spoofing rely on. " +
            "capabilities.drop must contain exactly \"ALL\", compared case-sensitively as Pod Security Admission's restricted level does: container runtimes also accept \"all\" or CAP_-prefixed names, but the admission check and the guide want \"ALL\", and listing every capability one by one does not count. " +
            "Windows pods are skipped, as Kubernetes and Pod Security Admission (1.25+) do not apply capabilities to them.",
        Remediation = "Set securityContext.capabilities.drop: [\"ALL\"] and add back only the capabilities the workload needs (rarely any).",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var capabilities = container.SecurityContext?.Capabilities;
        var drop = capabilities?.Drop;
        if (drop is not null && drop.Contains("ALL"))
        {
            return;
        }

        var nearMiss = drop?.FirstOrDefault(d => d is not null && IsAllSpelledDifferently(d));
        var message = nearMiss is not null
            ? $"{container.Describe()} drops \"{nearMiss}\" instead of exactly \"ALL\""
            : $"{container.Describe()} does not drop all capabilities (capabilities.drop lacks \"ALL\")";
        context.Report(pod, container, container.SecurityContextPointer("capabilities/drop"), message, new Fix("drop ALL capabilities", [AddDropAll(container)]));
    }

    private static bool IsAllSpelledDifferently(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper is "ALL" or "CAP_ALL";
    }

    private static PatchOperation AddDropAll(ContainerView container)
    {
        var sc = container.SecurityContext;
        if (sc is null)
        {
            return new PatchOperation("add", container.SecurityContextPointer(),
                new Dictionary<string, object> { ["capabilities"] = new Dictionary<string, object> { ["drop"] = new[] { "ALL" } } });
        }

        if (sc.Capabilities is null)
        {
            return new PatchOperation("add", container.SecurityContextPointer("capabilities"), new Dictionary<string, object> { ["drop"] = new[] { "ALL" } });
        }

        return sc.Capabilities.Drop is null
            ? new PatchOperation("add", container.SecurityContextPointer("capabilities/drop"), new[] { "ALL" })
            : new PatchOperation("add", container.SecurityContextPointer("capabilities/drop/-"), "ALL");
    }
}
