namespace Bulwark.Network.AdminPolicies;

/// <summary>What an admin-tier rule does with matching traffic. ClusterNetworkPolicy's Accept is <see cref="Allow"/>.</summary>
public enum AdminAction
{
    /// <summary>Allow (v1alpha1) or Accept (v1alpha2): final, the traffic is allowed in this direction.</summary>
    Allow,

    /// <summary>Final: the traffic is denied.</summary>
    Deny,

    /// <summary>Skips the rest of the current tier: the next tier decides.</summary>
    Pass,
}
