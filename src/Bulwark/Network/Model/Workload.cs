using Bulwark.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Model;

/// <summary>
/// A set of pods the analysis treats as one endpoint: a workload object (Deployment, StatefulSet, DaemonSet,
/// ReplicaSet, Job, CronJob, ReplicationController, any object with a pod template) labelled by its pod template,
/// together with the captured Pods it owns; or a Pod standing for itself.
/// </summary>
public sealed class Workload
{
    public Workload(int index, WorkloadRef reference, IReadOnlyDictionary<string, string> labels, IReadOnlyList<ContainerPortSpec> ports,
        bool hostNetwork, KubeObject source, string templatePointer, IReadOnlyList<KubeObject> pods, IReadOnlyList<IpRange> podAddresses)
    {
        Index = index;
        Ref = reference;
        Labels = labels;
        Ports = ports;
        HostNetwork = hostNetwork;
        Source = source;
        TemplatePointer = templatePointer;
        Pods = pods;
        PodAddresses = podAddresses;
    }

    /// <summary>Position in <see cref="NetworkModel.Workloads"/>.</summary>
    public int Index { get; }

    public WorkloadRef Ref { get; }

    public string Namespace => Ref.Namespace;

    public string Kind => Ref.Kind;

    public string Name => Ref.Name;

    /// <summary>The pods' labels (the pod template's labels for a workload object).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The declared container ports (containers and restartable init containers), used to resolve named ports.</summary>
    public IReadOnlyList<ContainerPortSpec> Ports { get; }

    /// <summary>The pods use the node's network namespace: NetworkPolicy's effect on them is implementation-defined.</summary>
    public bool HostNetwork { get; }

    /// <summary>The object the workload is read from (the workload object, or the Pod or first Pod of a group).</summary>
    public KubeObject Source { get; }

    /// <summary>JSON pointer of the pod template's metadata in <see cref="Source"/> (<c>/metadata</c> for a Pod).</summary>
    public string TemplatePointer { get; }

    /// <summary>The captured Pod objects grouped under this workload (empty for a manifest-only workload).</summary>
    public IReadOnlyList<KubeObject> Pods { get; }

    /// <summary>Pod IPs from the captured Pods' status (only used with ipBlock-matches-pods).</summary>
    public IReadOnlyList<IpRange> PodAddresses { get; }

    /// <summary>The ports of a name and protocol (a named port resolves to these numbers).</summary>
    public IEnumerable<int> PortsNamed(string name, Protocol protocol) =>
        Ports.Where(p => p.Protocol == protocol && string.Equals(p.Name, name, StringComparison.Ordinal)).Select(p => p.Port);

    public override string ToString() => Ref.ToString();
}
