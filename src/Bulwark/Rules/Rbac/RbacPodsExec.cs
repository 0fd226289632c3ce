using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacPodsExec : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-pods-exec",
        Title = "Role can execute code in running pods",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Create or get (websocket) on pods/exec, pods/attach or pods/portforward, or update or patch on pods/ephemeralcontainers, runs code inside existing pods with their service accounts: high cluster-wide or in a privileged namespace (sensitiveNamespaces), medium elsewhere. `pods` alone does not grant the subresources.",
        Remediation = "Grant exec, attach and port-forward only to operators through RoleBindings in the namespaces they operate, never in kube-system.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "pods-exec";
}
