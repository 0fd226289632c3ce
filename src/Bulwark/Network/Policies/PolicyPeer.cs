using Bulwark.Model;
using Bulwark.Network.Model;

namespace Bulwark.Network.Policies;

/// <summary>
/// One entry of a rule's <c>from</c> or <c>to</c>: pods (podSelector and/or namespaceSelector, ANDed when both are
/// in the same entry) or an ipBlock. A podSelector alone means pods of the policy's namespace.
/// </summary>
public sealed class PolicyPeer
{
    public PolicyPeer(LabelSelector? podSelector, LabelSelector? namespaceSelector, IpBlock? ipBlock, string pointer)
    {
        PodSelector = podSelector;
        NamespaceSelector = namespaceSelector;
        IpBlock = ipBlock;
        Pointer = pointer;
    }

    public LabelSelector? PodSelector { get; }

    public LabelSelector? NamespaceSelector { get; }

    public IpBlock? IpBlock { get; }

    public string Pointer { get; }

    /// <summary>Whether the peer selects pods (as opposed to an ipBlock).</summary>
    public bool SelectsPods => IpBlock is null;

    /// <summary>Whether a workload's pods match this peer, for a policy in <paramref name="policyNamespace"/> (never for an ipBlock).</summary>
    public bool MatchesPods(string policyNamespace, NetworkNamespace podNamespace, IReadOnlyDictionary<string, string> podLabels)
    {
        if (IpBlock is not null)
        {
            return false;
        }

        if (NamespaceSelector is null)
        {
            if (podNamespace.Name != policyNamespace)
            {
                return false;
            }
        }
        else if (!NamespaceSelector.Matches(podNamespace.Labels))
        {
            return false;
        }

        return PodSelector is null || PodSelector.Matches(podLabels);
    }

    public override string ToString() => PolicyText.Describe(this);
}
