using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// Workloads that no policy can tell apart: same namespace, labels, container ports and (with ipBlock-matches-pods)
/// pod addresses. The analysis computes each class once and expands it to its members.
/// </summary>
public sealed class EndpointClass
{
    internal EndpointClass(int index, NetworkNamespace @namespace, Workload representative, int portKey)
    {
        Index = index;
        Namespace = @namespace;
        Representative = representative;
        PortKey = portKey;
    }

    /// <summary>Position in <see cref="AnalysisUniverse.Classes"/>.</summary>
    public int Index { get; }

    public NetworkNamespace Namespace { get; }

    /// <summary>The first member: its labels, ports and addresses stand for the class.</summary>
    public Workload Representative { get; }

    public IReadOnlyDictionary<string, string> Labels => Representative.Labels;

    public IReadOnlyList<ContainerPortSpec> Ports => Representative.Ports;

    public IReadOnlyList<IpRange> PodAddresses => Representative.PodAddresses;

    /// <summary>Classes with equal port lists share this key (named ports resolve alike).</summary>
    public int PortKey { get; }

    public List<Workload> Members { get; } = new();

    public override string ToString() => Members.Count == 1 ? Representative.ToString() : $"{Representative} (+{Members.Count - 1})";
}
