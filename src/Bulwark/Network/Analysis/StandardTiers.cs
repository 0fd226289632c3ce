using Bulwark.Network.AdminPolicies;
using Bulwark.Network.Model;

namespace Bulwark.Network.Analysis;

/// <summary>
/// The tiers Bulwark evaluates, in order: Admin tier (AdminNetworkPolicy, ClusterNetworkPolicy tier Admin) →
/// NetworkPolicy tier → Baseline tier (ClusterNetworkPolicy tier Baseline, BaselineAdminNetworkPolicy) → default
/// allow. The admin tiers are always listed, even when no object of theirs is present (they then decide nothing).
/// </summary>
public static class StandardTiers
{
    public static IReadOnlyList<IPolicyTier> Create(NetworkModel model) =>
    [
        new AdminTier(model, AdminTierKind.Admin),
        new NetworkPolicyTier(model),
        new AdminTier(model, AdminTierKind.Baseline),
    ];
}
