using Bulwark.Model;

namespace Bulwark.Network.Model;

/// <summary>A policy object of a kind the NetworkPolicy analysis recognises but does not evaluate itself.</summary>
public sealed record OtherPolicyObject(KubeObject Object, string Family, string Note)
{
    public override string ToString() =>
        Object.Namespace is { } ns && !Object.IsClusterScoped ? $"{Object.Kind} {ns}/{Object.Name} ({Object.ApiVersion})" : $"{Object.Kind} {Object.Name} ({Object.ApiVersion})";
}

/// <summary>
/// The network policy kinds besides networking.k8s.io/v1 NetworkPolicy that Bulwark recognises: the admin tiers
/// (policy.networking.k8s.io), CNI-specific kinds (Cilium, Calico, Antrea, OVN-Kubernetes, Multus) and Istio's
/// AuthorizationPolicy. They are listed in every report as present; those no tier evaluates are "not evaluated".
/// </summary>
public static class PolicyKinds
{
    private static readonly Dictionary<(string Group, string Kind), (string Family, string Note)> Known = new()
    {
        [("policy.networking.k8s.io", "AdminNetworkPolicy")] = ("admin", "admin tier (v1alpha1)"),
        [("policy.networking.k8s.io", "BaselineAdminNetworkPolicy")] = ("admin", "baseline tier (v1alpha1)"),
        [("policy.networking.k8s.io", "ClusterNetworkPolicy")] = ("admin", "admin or baseline tier (v1alpha2)"),
        [("cilium.io", "CiliumNetworkPolicy")] = ("cilium", "Cilium policy (deny rules override NetworkPolicy allows)"),
        [("cilium.io", "CiliumClusterwideNetworkPolicy")] = ("cilium", "Cilium cluster-wide policy"),
        [("projectcalico.org", "NetworkPolicy")] = ("calico", "Calico policy (ordered tiers, Deny and Pass actions)"),
        [("projectcalico.org", "GlobalNetworkPolicy")] = ("calico", "Calico cluster-wide policy"),
        [("projectcalico.org", "StagedNetworkPolicy")] = ("calico", "Calico staged policy"),
        [("projectcalico.org", "StagedGlobalNetworkPolicy")] = ("calico", "Calico staged cluster-wide policy"),
        [("projectcalico.org", "StagedKubernetesNetworkPolicy")] = ("calico", "Calico staged Kubernetes policy"),
        [("projectcalico.org", "NetworkSet")] = ("calico", "Calico network set"),
        [("projectcalico.org", "GlobalNetworkSet")] = ("calico", "Calico global network set"),
        [("projectcalico.org", "HostEndpoint")] = ("calico", "Calico host endpoint"),
        [("projectcalico.org", "Tier")] = ("calico", "Calico policy tier"),
        [("projectcalico.org", "Profile")] = ("calico", "Calico profile"),
        [("crd.projectcalico.org", "NetworkPolicy")] = ("calico", "Calico policy (CRD form)"),
        [("crd.projectcalico.org", "GlobalNetworkPolicy")] = ("calico", "Calico cluster-wide policy (CRD form)"),
        [("crd.projectcalico.org", "NetworkSet")] = ("calico", "Calico network set (CRD form)"),
        [("crd.projectcalico.org", "GlobalNetworkSet")] = ("calico", "Calico global network set (CRD form)"),
        [("crd.projectcalico.org", "HostEndpoint")] = ("calico", "Calico host endpoint (CRD form)"),
        [("crd.projectcalico.org", "Tier")] = ("calico", "Calico policy tier (CRD form)"),
        [("crd.antrea.io", "ClusterNetworkPolicy")] = ("antrea", "Antrea cluster policy"),
        [("crd.antrea.io", "NetworkPolicy")] = ("antrea", "Antrea policy"),
        [("crd.antrea.io", "Tier")] = ("antrea", "Antrea policy tier"),
        [("k8s.cni.cncf.io", "MultiNetworkPolicy")] = ("multus", "policy for secondary networks"),
        [("k8s.ovn.org", "UserDefinedNetwork")] = ("ovn", "OVN-Kubernetes user-defined network (isolates pods)"),
        [("k8s.ovn.org", "ClusterUserDefinedNetwork")] = ("ovn", "OVN-Kubernetes cluster user-defined network (isolates pods)"),
        [("k8s.ovn.org", "EgressFirewall")] = ("ovn", "OVN-Kubernetes egress firewall"),
        [("security.istio.io", "AuthorizationPolicy")] = ("istio", "Istio L7 authorization (different model)"),
        [("extensions", "NetworkPolicy")] = ("legacy", "extensions/v1beta1 NetworkPolicy, removed in Kubernetes 1.16"),
    };

    /// <summary>The family and a note for a recognised kind, or null for NetworkPolicy v1 and unrelated kinds.</summary>
    public static OtherPolicyObject? Recognise(KubeObject obj) =>
        Known.TryGetValue((obj.Group, obj.Kind), out var info) ? new OtherPolicyObject(obj, info.Family, info.Note) : null;
}
