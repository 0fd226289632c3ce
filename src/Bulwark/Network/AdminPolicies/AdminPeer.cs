using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.AdminPolicies;

public enum AdminPeerKind
{
    /// <summary>Every pod of the namespaces a selector matches.</summary>
    Namespaces,

    /// <summary>The pods a pod selector matches in the namespaces a namespace selector matches.</summary>
    Pods,

    /// <summary>CIDRs (egress): external addresses, and pods only under ipBlock-matches-pods (manifests carry no pod IPs).</summary>
    Networks,

    /// <summary>Node addresses (egress, experimental): not evaluable from manifests.</summary>
    Nodes,

    /// <summary>Domain names (egress Allow/Accept, experimental): not evaluable offline.</summary>
    DomainNames,

    /// <summary>A peer with no field Bulwark knows (empty, or a newer API's field): upstream says fail closed.</summary>
    Unknown,
}

/// <summary>One entry of an admin-tier rule's <c>from</c> or <c>to</c>; exactly one field is set.</summary>
public sealed class AdminPeer
{
    public AdminPeer(AdminPeerKind kind, string pointer, LabelSelector? namespaceSelector = null, LabelSelector? podSelector = null,
        IReadOnlyList<Cidr>? networks = null, IReadOnlyList<string>? names = null)
    {
        Kind = kind;
        Pointer = pointer;
        NamespaceSelector = namespaceSelector;
        PodSelector = podSelector;
        Networks = networks ?? [];
        Names = names ?? [];
        Addresses = IpRangeSet.FromRanges(Networks.Select(c => c.Range));
    }

    public AdminPeerKind Kind { get; }

    /// <summary>JSON pointer of the peer in its policy.</summary>
    public string Pointer { get; }

    /// <summary>The namespace selector (Namespaces and Pods peers).</summary>
    public LabelSelector? NamespaceSelector { get; }

    /// <summary>The pod selector (Pods peers) or node selector (Nodes peers).</summary>
    public LabelSelector? PodSelector { get; }

    /// <summary>The CIDRs of a Networks peer.</summary>
    public IReadOnlyList<Cidr> Networks { get; }

    /// <summary>Domain names of a DomainNames peer, or the unknown field names of an Unknown peer.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The addresses of a Networks peer (union of its CIDRs).</summary>
    public IpRangeSet Addresses { get; }

    /// <summary>Whether Bulwark can tell from manifests what the peer matches (pods, namespaces, networks).</summary>
    public bool Evaluable => Kind is AdminPeerKind.Namespaces or AdminPeerKind.Pods or AdminPeerKind.Networks;

    /// <summary>Whether a workload's pods match a pod-selecting peer (Namespaces, Pods); false for the other kinds.</summary>
    public bool MatchesPods(NetworkNamespace ns, IReadOnlyDictionary<string, string> labels) => Kind switch
    {
        AdminPeerKind.Namespaces => NamespaceSelector!.Matches(ns.Labels),
        AdminPeerKind.Pods => NamespaceSelector!.Matches(ns.Labels) && PodSelector!.Matches(labels),
        _ => false,
    };

    public override string ToString() => Kind switch
    {
        AdminPeerKind.Namespaces => PolicyText.IsEmpty(NamespaceSelector!) ? "all pods in all namespaces" : $"all pods in namespaces {PolicyText.Selector(NamespaceSelector!)}",
        AdminPeerKind.Pods => $"{(PolicyText.IsEmpty(PodSelector!) ? "all pods" : $"pods {PolicyText.Selector(PodSelector!)}")} in " +
            (PolicyText.IsEmpty(NamespaceSelector!) ? "all namespaces" : $"namespaces {PolicyText.Selector(NamespaceSelector!)}"),
        AdminPeerKind.Networks => $"networks {string.Join(", ", Networks.Select(c => c.Text))}",
        AdminPeerKind.Nodes => PolicyText.IsEmpty(PodSelector!) ? "all nodes" : $"nodes {PolicyText.Selector(PodSelector!)}",
        AdminPeerKind.DomainNames => $"domain names {string.Join(", ", Names)}",
        _ => Names.Count == 0 ? "an empty peer" : $"an unknown peer ({string.Join(", ", Names)})",
    };
}
