using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>
/// What every tier evaluates over: the workloads whose connections are computed (hostNetwork ones excluded),
/// grouped into <see cref="EndpointClass"/>es, the external address atoms induced by every ipBlock boundary (tiers
/// add theirs through <see cref="IPolicyTier.AddressBoundaries"/>), and one pool of interned connection sets.
/// </summary>
public sealed class AnalysisUniverse
{
    private readonly int[] _classOf;

    public AnalysisUniverse(NetworkModel model, AnalysisOptions options, IEnumerable<IpRange> addressBoundaries)
    {
        Model = model;
        Options = options;
        External = ExternalAddressSpace.Build(addressBoundaries);
        _classOf = new int[model.Workloads.Count];
        Array.Fill(_classOf, -1);
        var classes = new List<EndpointClass>();
        var byKey = new Dictionary<string, EndpointClass>(StringComparer.Ordinal);
        var portKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in model.Workloads)
        {
            if (w.HostNetwork)
            {
                continue;
            }

            var ports = string.Join(";", w.Ports.Select(p => p.ToString()).Order(StringComparer.Ordinal));
            if (!portKeys.TryGetValue(ports, out var portKey))
            {
                portKeys[ports] = portKey = portKeys.Count;
            }

            var labels = string.Join("\u0001", w.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\u0002" + kv.Value));
            var addresses = options.IpBlockMatchesPods ? string.Join(",", w.PodAddresses.Order()) : string.Empty;
            var key = $"{w.Namespace}\u0000{labels}\u0000{ports}\u0000{addresses}";
            if (!byKey.TryGetValue(key, out var cls))
            {
                cls = new EndpointClass(classes.Count, model.Namespace(w.Namespace), w, portKey);
                byKey[key] = cls;
                classes.Add(cls);
            }

            cls.Members.Add(w);
            _classOf[w.Index] = cls.Index;
        }

        Classes = classes;
        ClassesByNamespace = classes.GroupBy(c => c.Namespace.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<EndpointClass>)g.ToList(), StringComparer.Ordinal);
    }

    public NetworkModel Model { get; }

    public AnalysisOptions Options { get; }

    public IReadOnlyList<EndpointClass> Classes { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<EndpointClass>> ClassesByNamespace { get; }

    public ExternalAddressSpace External { get; }

    public ConnectionSetPool Pool { get; } = new();

    /// <summary>The class of a workload; null for a workload not evaluated (hostNetwork).</summary>
    public EndpointClass? ClassOf(Workload workload) => _classOf[workload.Index] is var i and >= 0 ? Classes[i] : null;
}
