using Bulwark.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Model;

/// <summary>One port of a Service: the Service port and its targetPort (a number, or a container port name).</summary>
public sealed record ServicePortSpec(string? Name, int Port, Protocol Protocol, int? TargetPort, string? TargetPortName)
{
    /// <summary>The destination pod's port numbers for this Service port (NetworkPolicy sees the port after DNAT).</summary>
    public IEnumerable<int> TargetPortsOn(Workload workload) =>
        TargetPortName is { } name ? workload.PortsNamed(name, Protocol).Distinct() : [TargetPort ?? Port];
}

/// <summary>A Service: its selector (null for a Service without one) and ports.</summary>
public sealed class NetworkService
{
    public NetworkService(string @namespace, string name, IReadOnlyDictionary<string, string>? selector, IReadOnlyList<ServicePortSpec> ports, string? type, KubeObject source)
    {
        Namespace = @namespace;
        Name = name;
        Selector = selector;
        Ports = ports;
        Type = type;
        Source = source;
    }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>spec.selector; null or empty when the Service selects no pods itself (endpoints managed elsewhere).</summary>
    public IReadOnlyDictionary<string, string>? Selector { get; }

    public IReadOnlyList<ServicePortSpec> Ports { get; }

    /// <summary>spec.type (ClusterIP when unset).</summary>
    public string? Type { get; }

    public KubeObject Source { get; }

    /// <summary>Whether the Service sends traffic to the workload's pods (same namespace, selector matches the pod labels).</summary>
    public bool Selects(Workload workload) =>
        Selector is { Count: > 0 } selector && workload.Namespace == Namespace &&
        selector.All(kv => workload.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The connections the Service's ports reach on a workload it selects (target ports after DNAT).</summary>
    public ConnectionSet TargetConnections(Workload workload)
    {
        var set = ConnectionSet.None;
        foreach (var port in Ports)
        {
            foreach (var target in port.TargetPortsOn(workload))
            {
                set = set.Union(ConnectionSet.Of(port.Protocol, target, target));
            }
        }

        return set;
    }

    public override string ToString() => $"{Namespace}/Service/{Name}";
}
