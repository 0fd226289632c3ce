namespace Bulwark.Rbac;

/// <summary>A built-in resource: API group ("" = core), plural resource name, and whether it is namespaced.</summary>
public sealed record KnownResource(string Group, string Resource, bool Namespaced)
{
    /// <summary>kubectl's spelling: <c>pods</c>, <c>deployments.apps</c>, <c>deployments.apps/scale</c>.</summary>
    public override string ToString()
    {
        if (Group.Length == 0)
        {
            return Resource;
        }

        var slash = Resource.IndexOf('/');
        return slash < 0 ? $"{Resource}.{Group}" : $"{Resource[..slash]}.{Group}{Resource[slash..]}";
    }
}

/// <summary>
/// The common built-in resources, for the access matrix rows and for knowing which requests can carry a namespace
/// (a request on a cluster-scoped resource never does, so RoleBindings cannot grant it; RBAC.md 1.2-1.3). The
/// authorizer itself does no such normalisation: this is what the API server's request resolver would send.
/// </summary>
public static class KnownResources
{
    public static readonly IReadOnlyList<KnownResource> All =
    [
        new(string.Empty, "bindings", true),
        new(string.Empty, "configmaps", true),
        new(string.Empty, "endpoints", true),
        new(string.Empty, "events", true),
        new(string.Empty, "limitranges", true),
        new(string.Empty, "namespaces", false),
        new(string.Empty, "nodes", false),
        new(string.Empty, "persistentvolumeclaims", true),
        new(string.Empty, "persistentvolumes", false),
        new(string.Empty, "pods", true),
        new(string.Empty, "podtemplates", true),
        new(string.Empty, "replicationcontrollers", true),
        new(string.Empty, "resourcequotas", true),
        new(string.Empty, "secrets", true),
        new(string.Empty, "serviceaccounts", true),
        new(string.Empty, "services", true),
        new("admissionregistration.k8s.io", "mutatingwebhookconfigurations", false),
        new("admissionregistration.k8s.io", "validatingadmissionpolicies", false),
        new("admissionregistration.k8s.io", "validatingadmissionpolicybindings", false),
        new("admissionregistration.k8s.io", "validatingwebhookconfigurations", false),
        new("apiextensions.k8s.io", "customresourcedefinitions", false),
        new("apiregistration.k8s.io", "apiservices", false),
        new("apps", "controllerrevisions", true),
        new("apps", "daemonsets", true),
        new("apps", "deployments", true),
        new("apps", "replicasets", true),
        new("apps", "statefulsets", true),
        new("authentication.k8s.io", "selfsubjectreviews", false),
        new("authentication.k8s.io", "tokenreviews", false),
        new("authorization.k8s.io", "localsubjectaccessreviews", true),
        new("authorization.k8s.io", "selfsubjectaccessreviews", false),
        new("authorization.k8s.io", "selfsubjectrulesreviews", false),
        new("authorization.k8s.io", "subjectaccessreviews", false),
        new("autoscaling", "horizontalpodautoscalers", true),
        new("batch", "cronjobs", true),
        new("batch", "jobs", true),
        new("certificates.k8s.io", "certificatesigningrequests", false),
        new("coordination.k8s.io", "leases", true),
        new("discovery.k8s.io", "endpointslices", true),
        new("events.k8s.io", "events", true),
        new("flowcontrol.apiserver.k8s.io", "flowschemas", false),
        new("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", false),
        new("networking.k8s.io", "ingressclasses", false),
        new("networking.k8s.io", "ingresses", true),
        new("networking.k8s.io", "networkpolicies", true),
        new("node.k8s.io", "runtimeclasses", false),
        new("policy", "poddisruptionbudgets", true),
        new("rbac.authorization.k8s.io", "clusterrolebindings", false),
        new("rbac.authorization.k8s.io", "clusterroles", false),
        new("rbac.authorization.k8s.io", "rolebindings", true),
        new("rbac.authorization.k8s.io", "roles", true),
        new("scheduling.k8s.io", "priorityclasses", false),
        new("storage.k8s.io", "csidrivers", false),
        new("storage.k8s.io", "csinodes", false),
        new("storage.k8s.io", "storageclasses", false),
        new("storage.k8s.io", "volumeattachments", false),
    ];

    private static readonly Dictionary<(string, string), KnownResource> ByName = All.ToDictionary(r => (r.Group, r.Resource));

    /// <summary>The standard verbs of the access matrix, in kubectl's order.</summary>
    public static readonly IReadOnlyList<string> MatrixVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    public static KnownResource? Find(string group, string resource) => ByName.GetValueOrDefault((group, resource));

    /// <summary>Whether a resource is known to be cluster-scoped (unknown resources, such as CRDs, are not).</summary>
    public static bool IsClusterScoped(string group, string resource) => Find(group, resource) is { Namespaced: false };

    /// <summary>
    /// The attributes the API server would actually send for a request asked about with a namespace: a known
    /// cluster-scoped resource carries no namespace, except a Namespace object, whose own name is its namespace; a
    /// create of a top-level object carries no name (it is in the body). Returns notes on what changed.
    /// </summary>
    public static RequestAttributes AsSent(RequestAttributes request, List<string> notes)
    {
        if (!request.IsResourceRequest)
        {
            return request;
        }

        var result = request;
        if (result.Verb == "create" && result.Subresource.Length == 0 && result.Name.Length > 0)
        {
            notes.Add($"a create request carries no name (the name is in the body): evaluated without name \"{result.Name}\", so resourceNames rules cannot allow it");
            result = result with { Name = string.Empty };
        }

        if (result.ApiGroup.Length == 0 && result.Resource == "namespaces" && result.Name.Length > 0)
        {
            if (result.Namespace != result.Name)
            {
                notes.Add($"a request on Namespace \"{result.Name}\" carries namespace \"{result.Name}\": RoleBindings in it count");
                result = result with { Namespace = result.Name };
            }
        }
        else if (result.Namespace.Length > 0 && IsClusterScoped(result.ApiGroup, result.Resource))
        {
            notes.Add($"{result.Resource} is cluster-scoped: its requests carry no namespace, so only ClusterRoleBindings count (namespace \"{result.Namespace}\" ignored)");
            result = result with { Namespace = string.Empty };
        }

        return result;
    }
}
