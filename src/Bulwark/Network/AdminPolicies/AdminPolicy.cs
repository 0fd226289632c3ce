using Bulwark.Model;
using Bulwark.Network.Policies;

namespace Bulwark.Network.AdminPolicies;

/// <summary>The cluster-wide tiers around NetworkPolicy: Admin (before it) and Baseline (after it).</summary>
public enum AdminTierKind
{
    Admin,
    Baseline,
}

/// <summary>
/// A valid policy.networking.k8s.io object of an admin tier: AdminNetworkPolicy (v1alpha1, Admin tier),
/// BaselineAdminNetworkPolicy (v1alpha1, Baseline tier, the singleton <c>default</c>) or ClusterNetworkPolicy
/// (v1alpha2/v1beta1, <c>spec.tier</c> Admin or Baseline). It applies to the pods its subject selects (cluster-wide);
/// its rules are evaluated in written order, per direction.
/// </summary>
public sealed class AdminPolicy
{
    private readonly List<AdminRule> _ingress = new();
    private readonly List<AdminRule> _egress = new();

    public AdminPolicy(KubeObject source, string kind, AdminTierKind tier, int? priority, AdminSubject subject)
    {
        Source = source;
        Kind = kind;
        Tier = tier;
        Priority = priority;
        Subject = subject;
    }

    public const string AdminNetworkPolicyKind = "AdminNetworkPolicy";

    public const string BaselineAdminNetworkPolicyKind = "BaselineAdminNetworkPolicy";

    public const string ClusterNetworkPolicyKind = "ClusterNetworkPolicy";

    public KubeObject Source { get; }

    /// <summary>AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy.</summary>
    public string Kind { get; }

    public string Name => Source.Name;

    public AdminTierKind Tier { get; }

    /// <summary>0-1000, lower first; null for a BaselineAdminNetworkPolicy, which has none.</summary>
    public int? Priority { get; }

    public AdminSubject Subject { get; }

    /// <summary>Whether the policy is v1alpha2-style (ClusterNetworkPolicy: Accept instead of Allow, protocols instead of ports).</summary>
    public bool IsClusterNetworkPolicy => Kind == ClusterNetworkPolicyKind;

    public IReadOnlyList<AdminRule> IngressRules => _ingress;

    public IReadOnlyList<AdminRule> EgressRules => _egress;

    public IReadOnlyList<AdminRule> Rules(TrafficDirection direction) => direction == TrafficDirection.Ingress ? _ingress : _egress;

    /// <summary>"allow-monitoring (priority 10)", or the name alone for a BaselineAdminNetworkPolicy.</summary>
    public string Ref => Priority is { } p ? $"{Name} (priority {p})" : Name;

    /// <summary>"AdminNetworkPolicy allow-monitoring", "ClusterNetworkPolicy guard (tier Baseline)".</summary>
    public string Describe() => IsClusterNetworkPolicy ? $"{Kind} {Name} (tier {Tier})" : $"{Kind} {Name}";

    internal void Add(AdminRule rule) => (rule.Direction == TrafficDirection.Ingress ? _ingress : _egress).Add(rule);

    public override string ToString() => $"{Kind} {Ref}";
}
