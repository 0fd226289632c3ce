using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacSecretsReadCluster : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-secrets-read-cluster",
        Title = "Secrets readable in every namespace",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Reading secrets (get, list or watch) cluster-wide reads every credential of the cluster, including legacy service-account tokens; list and watch are as bad as get, because the values come with the list. " +
            "The rule that grants the read is reported at the granting verb, once, when its role is bound by a ClusterRoleBinding (directly or through an aggregated ClusterRole it flows into) or is a ClusterRole bound by nothing yet (the worst case once someone binds it cluster-wide). " +
            "A rule grants it as the authorizer matches it: verbs get, list, watch or `*`, apiGroups \"\" or `*`, resources `secrets` or `*` (`secrets/status` or `*/status` name a subresource, not the secrets), and no resourceNames: a rule with resourceNames reaches only the named secrets. " +
            "Rules that are `*` on verbs, groups and resources together are reported as rbac-cluster-admin-equivalent or rbac-wildcard instead. Default roles of Kubernetes (edit, admin, system:node, ...) and roles labelled kubernetes.io/bootstrapping=rbac-defaults are not reported here; bindings to them are the business of the binding rules.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
        Remediation = "Grant secret reads only through RoleBindings in the namespaces that need them, preferably with resourceNames listing the exact secrets.",
    };

    protected override string RiskId => "secrets-read-cluster";
}
