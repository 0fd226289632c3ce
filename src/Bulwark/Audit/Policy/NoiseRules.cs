using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Policy;

/// <summary>A request shape Bulwark treats as noise: high volume, low risk. The generated policy drops it (level None).</summary>
public sealed record NoiseRule(string Id, string Comment, AuditPolicyRule Rule);

/// <summary>
/// The noise the generated policy drops first, after the pattern of Kubernetes' reference (GCE) policy: health and
/// version probes, events and leases, and reads of endpoints, services and node objects by kube-proxy, kubelets and
/// control-plane components. The policy checker never probes rules that look at every request with these shapes
/// (a rule that names one of them, by its resources or in its condition, is probed with it).
/// </summary>
public static class NoiseRules
{
    private static readonly string[] Reads = ["get", "list", "watch"];

    public static readonly IReadOnlyList<NoiseRule> All =
    [
        new("health", "health and version probes (load balancers, kubelets, monitoring): the bulk of non-resource traffic.",
            new AuditPolicyRule { Level = AuditLevel.None, NonResourceURLs = ["/healthz*", "/livez*", "/readyz*", "/version", "/version/"] }),
        new("events", "events are written and read constantly by every controller; deleting them (anti-forensics) stays logged.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Verbs = ["get", "list", "watch", "create", "update", "patch"],
                Resources = [new PolicyGroupResources("", "events"), new PolicyGroupResources("events.k8s.io", "events")],
            }),
        new("leases", "leader election and node heartbeats: a lease update every few seconds per component and per node.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Verbs = ["get", "list", "watch", "create", "update", "patch"],
                Namespaces = ["kube-system", "kube-node-lease"],
                Resources = [new PolicyGroupResources("coordination.k8s.io", "leases")],
            }),
        new("kube-proxy", "kube-proxy watching the endpoints and services it programs.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Users = ["system:kube-proxy", "system:serviceaccount:kube-system:kube-proxy"],
                Verbs = Reads,
                Resources = [new PolicyGroupResources("", "endpoints", "services", "nodes"), new PolicyGroupResources("discovery.k8s.io", "endpointslices")],
            }),
        new("node-reads", "kubelets reading their Node object, services, endpoints and the storage and runtime classes they need.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                UserGroups = ["system:nodes"],
                Verbs = Reads,
                Resources =
                [
                    new PolicyGroupResources("", "nodes", "nodes/status", "services", "endpoints"),
                    new PolicyGroupResources("discovery.k8s.io", "endpointslices"),
                    new PolicyGroupResources("storage.k8s.io", "csidrivers", "csinodes"),
                    new PolicyGroupResources("node.k8s.io", "runtimeclasses"),
                ],
            }),
        new("controller-endpoints", "control-plane components and the endpoint controllers reading endpoints.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Users =
                [
                    "system:kube-controller-manager", "system:cloud-controller-manager", "system:kube-scheduler",
                    "system:serviceaccount:kube-system:endpoint-controller", "system:serviceaccount:kube-system:endpointslice-controller",
                    "system:serviceaccount:kube-system:endpointslicemirroring-controller",
                ],
                Verbs = Reads,
                Resources = [new PolicyGroupResources("", "endpoints"), new PolicyGroupResources("discovery.k8s.io", "endpointslices")],
            }),
        new("apiserver-namespaces", "the API server reading namespaces for its own bookkeeping.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Users = ["system:apiserver"],
                Verbs = ["get"],
                Resources = [new PolicyGroupResources("", "namespaces", "namespaces/status", "namespaces/finalize")],
            }),
        new("hpa-metrics", "the horizontal pod autoscaler reading resource metrics.",
            new AuditPolicyRule
            {
                Level = AuditLevel.None,
                Users = ["system:kube-controller-manager", "system:cloud-controller-manager"],
                Verbs = ["get", "list"],
                Resources = [new PolicyGroupResources("metrics.k8s.io", [], [])],
            }),
    ];

    /// <summary>Whether a request is one of the noise shapes.</summary>
    public static bool IsNoise(RequestAttributes request) => All.Any(n => PolicyEvaluator.Matches(n.Rule, request));
}
