using Bulwark.Network.Model;

namespace Bulwark.Network.Analysis;

/// <summary>
/// The tiers Bulwark evaluates, in order: Admin tier → NetworkPolicy tier → Baseline tier → default allow. Only
/// the NetworkPolicy tier exists so far; admin-tier implementations add themselves here, before and after it.
/// </summary>
public static class StandardTiers
{
    public static IReadOnlyList<IPolicyTier> Create(NetworkModel model) =>
    [
        new NetworkPolicyTier(model),
    ];
}
