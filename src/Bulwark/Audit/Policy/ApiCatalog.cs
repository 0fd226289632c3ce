namespace Bulwark.Audit.Policy;

/// <summary>A resource (or subresource) of the Kubernetes API as the audit policy sees it.</summary>
public sealed record ApiResource(string Group, string Resource, string Subresource, bool Namespaced, IReadOnlyList<string> Verbs)
{
    /// <summary>"pods" or "pods/exec".</summary>
    public string Name => Subresource.Length > 0 ? Resource + "/" + Subresource : Resource;
}

/// <summary>A caller the checker probes with: a username and the groups the authenticator gives it.</summary>
public sealed record ProbeIdentity(string User, IReadOnlyList<string> Groups, string Description)
{
    /// <summary>The groups Kubernetes' authenticators give a username of a well-known shape.</summary>
    public static ProbeIdentity For(string user)
    {
        if (user is "system:anonymous" or "")
        {
            return new(user, ["system:unauthenticated"], "an anonymous caller");
        }

        var parts = user.Split(':');
        if (parts.Length == 4 && parts[0] == "system" && parts[1] == "serviceaccount")
        {
            return new(user, ["system:serviceaccounts", "system:serviceaccounts:" + parts[2], "system:authenticated"], "a service account");
        }

        if (user.StartsWith("system:node:", StringComparison.Ordinal))
        {
            return new(user, ["system:nodes", "system:authenticated"], "a node");
        }

        return new(user, ["system:authenticated"], "a user");
    }
}

/// <summary>
/// The request shapes the policy checker probes with: the built-in API's resources and subresources (group, scope,
/// verbs), a set of representative callers, namespaces and non-resource paths. docs/audit.md lists them.
/// </summary>
public static class ApiCatalog
{
    public static readonly IReadOnlyList<string> StandardVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    public static readonly IReadOnlyList<string> ReadVerbs = ["get", "list", "watch"];

    public static readonly IReadOnlyList<string> WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    /// <summary>Subresources whose requests are long-running, so they also produce a ResponseStarted event (with watch).</summary>
    public static readonly IReadOnlySet<string> LongRunningSubresources = new HashSet<string>(StringComparer.Ordinal) { "exec", "attach", "portforward", "proxy", "log" };

    /// <summary>Representative callers: a human, an admin, anonymous, a workload and a controller service account, a node and control-plane components.</summary>
    public static readonly IReadOnlyList<ProbeIdentity> Identities =
    [
        new("alice", ["system:authenticated"], "a human user"),
        new("kubernetes-admin", ["system:masters", "system:authenticated"], "a cluster admin"),
        new("system:anonymous", ["system:unauthenticated"], "an anonymous caller"),
        new("system:serviceaccount:shop:web", ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"], "a workload's service account"),
        new("system:serviceaccount:kube-system:replicaset-controller", ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"], "a controller's service account"),
        new("system:node:node-1", ["system:nodes", "system:authenticated"], "a node"),
        new("system:kube-proxy", ["system:authenticated"], "kube-proxy"),
        new("system:kube-controller-manager", ["system:authenticated"], "the controller manager"),
        new("system:kube-scheduler", ["system:authenticated"], "the scheduler"),
    ];

    /// <summary>Namespaces probed for namespaced resources named by a rule: an application's, default and the system ones.</summary>
    public static readonly IReadOnlyList<string> Namespaces = ["shop", "default", "kube-system", "kube-public"];

    /// <summary>Namespaces probed in the sample for rules that look at every request.</summary>
    public static readonly IReadOnlyList<string> SampleNamespaces = ["shop", "kube-system"];

    /// <summary>Non-resource paths probed (GET) for rules that look at every request.</summary>
    public static readonly IReadOnlyList<string> SamplePaths = ["/api", "/api/v1", "/apis", "/openapi/v2", "/metrics", "/.well-known/openid-configuration", "/version", "/healthz", "/livez", "/readyz"];

    /// <summary>The name probes carry when a rule names none (get, update, patch, delete and subresources).</summary>
    public const string ProbeName = "probe-object";

    private static readonly string[] Std = [.. StandardVerbs];
    private static readonly string[] Create = ["create"];
    private static readonly string[] Connect = ["create", "get"];
    private static readonly string[] GetOnly = ["get"];
    private static readonly string[] Status = ["get", "update", "patch"];
    private static readonly string[] Proxy = ["get", "create", "update", "patch", "delete"];

    public static readonly IReadOnlyList<ApiResource> Resources =
    [
        R("", "pods", true, Std), S("", "pods", "exec", true, Connect), S("", "pods", "attach", true, Connect),
        S("", "pods", "portforward", true, Connect), S("", "pods", "log", true, GetOnly), S("", "pods", "ephemeralcontainers", true, Status),
        S("", "pods", "status", true, Status), S("", "pods", "eviction", true, Create), S("", "pods", "binding", true, Create), S("", "pods", "proxy", true, Proxy),
        R("", "secrets", true, Std), R("", "configmaps", true, Std), R("", "services", true, Std), S("", "services", "proxy", true, Proxy),
        S("", "services", "status", true, Status), R("", "serviceaccounts", true, Std), S("", "serviceaccounts", "token", true, Create),
        R("", "endpoints", true, Std), R("", "events", true, Std), R("", "persistentvolumeclaims", true, Std), R("", "replicationcontrollers", true, Std),
        R("", "resourcequotas", true, Std), R("", "limitranges", true, Std),
        R("", "namespaces", false, Std), S("", "namespaces", "status", false, Status), S("", "namespaces", "finalize", false, ["update"]),
        R("", "nodes", false, Std), S("", "nodes", "status", false, Status), S("", "nodes", "proxy", false, Proxy), R("", "persistentvolumes", false, Std),
        R("apps", "deployments", true, Std), S("apps", "deployments", "scale", true, Status), R("apps", "daemonsets", true, Std),
        R("apps", "statefulsets", true, Std), R("apps", "replicasets", true, Std), R("apps", "controllerrevisions", true, Std),
        R("batch", "jobs", true, Std), R("batch", "cronjobs", true, Std),
        R("rbac.authorization.k8s.io", "roles", true, [.. Std, "bind", "escalate"]), R("rbac.authorization.k8s.io", "rolebindings", true, Std),
        R("rbac.authorization.k8s.io", "clusterroles", false, Std), R("rbac.authorization.k8s.io", "clusterrolebindings", false, Std),
        R("certificates.k8s.io", "certificatesigningrequests", false, Std), S("certificates.k8s.io", "certificatesigningrequests", "approval", false, Status),
        S("certificates.k8s.io", "certificatesigningrequests", "status", false, Status),
        R("admissionregistration.k8s.io", "mutatingwebhookconfigurations", false, Std), R("admissionregistration.k8s.io", "validatingwebhookconfigurations", false, Std),
        R("admissionregistration.k8s.io", "validatingadmissionpolicies", false, Std), R("admissionregistration.k8s.io", "validatingadmissionpolicybindings", false, Std),
        R("admissionregistration.k8s.io", "mutatingadmissionpolicies", false, Std), R("admissionregistration.k8s.io", "mutatingadmissionpolicybindings", false, Std),
        R("networking.k8s.io", "ingresses", true, Std), R("networking.k8s.io", "networkpolicies", true, Std), R("networking.k8s.io", "ingressclasses", false, Std),
        R("authorization.k8s.io", "selfsubjectaccessreviews", false, Create), R("authorization.k8s.io", "selfsubjectrulesreviews", false, Create),
        R("authorization.k8s.io", "subjectaccessreviews", false, Create), R("authorization.k8s.io", "localsubjectaccessreviews", true, Create),
        R("authentication.k8s.io", "tokenreviews", false, Create), R("authentication.k8s.io", "selfsubjectreviews", false, Create),
        R("coordination.k8s.io", "leases", true, Std), R("discovery.k8s.io", "endpointslices", true, Std), R("events.k8s.io", "events", true, Std),
        R("apiextensions.k8s.io", "customresourcedefinitions", false, Std), R("storage.k8s.io", "storageclasses", false, Std),
        R("storage.k8s.io", "csidrivers", false, Std), R("storage.k8s.io", "csinodes", false, Std), R("policy", "poddisruptionbudgets", true, Std),
        R("scheduling.k8s.io", "priorityclasses", false, Std), R("node.k8s.io", "runtimeclasses", false, Std),
    ];

    private static readonly ILookup<string, ApiResource> ByResource = Resources.ToLookup(r => r.Resource, StringComparer.Ordinal);

    /// <summary>The catalogue's entries for a resource name (every group that has it), with or without subresource.</summary>
    public static IEnumerable<ApiResource> Find(string resource) => ByResource[resource];

    /// <summary>The catalogue entry of (group, resource, subresource), if known.</summary>
    public static ApiResource? Find(string group, string resource, string subresource) =>
        ByResource[resource].FirstOrDefault(r => r.Group == group && r.Subresource == subresource);

    /// <summary>Whether a request of this shape produces a ResponseStarted event.</summary>
    public static bool IsLongRunning(string verb, string subresource) => verb == "watch" || LongRunningSubresources.Contains(subresource);

    /// <summary>Whether a verb on a resource carries no object name in the API server's request info.</summary>
    public static bool IsCollectionVerb(string verb) => verb is "create" or "list" or "watch" or "deletecollection";

    private static ApiResource R(string group, string resource, bool namespaced, string[] verbs) => new(group, resource, string.Empty, namespaced, verbs);

    private static ApiResource S(string group, string resource, string subresource, bool namespaced, string[] verbs) => new(group, resource, subresource, namespaced, verbs);
}
