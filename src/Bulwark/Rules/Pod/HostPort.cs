using System.Globalization;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class HostPort : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "host-port",
        Title = "Container binds a port on the node",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-11", "POD-1"],
        Rationale = "A hostPort opens a port on the node's own addresses, bypassing Services and, with many network plugins, NetworkPolicies; it also pins the pod to nodes where the port is free. As Pod Security Admission's baseline hostPorts check, a hostPort of 0 or unset is fine and any other value is reported. The API server copies containerPort into hostPort for Pods with hostNetwork; those pods are reported by host-network instead.",
        Remediation = "Remove ports[].hostPort and expose the container through a Service (NodePort or LoadBalancer if it must be reachable from outside).",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        var ports = container.Ports;
        if (ports is null)
        {
            return;
        }

        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i]?.HostPort is not { } hostPort || hostPort == 0)
            {
                continue;
            }

            var pointer = JsonPointer.Append(JsonPointer.Append(container.Pointer + "/ports", i), "hostPort");
            var containerPort = ports[i].ContainerPort.ToString(CultureInfo.InvariantCulture);
            context.Report(pod, container, pointer,
                $"{container.Describe()} binds port {hostPort.ToString(CultureInfo.InvariantCulture)} on the node (hostPort for containerPort {containerPort})",
                new Fix("remove hostPort", [new PatchOperation("remove", pointer)]));
        }
    }
}
