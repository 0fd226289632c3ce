using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacImpersonate : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-impersonate",
        Title = "Role grants impersonate",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Impersonate on users, groups, uids or userextras/<key> lets a subject act as anyone, including system:masters; upstream checks these with no namespace, so only cluster-wide grants count (critical). impersonate on serviceaccounts is checked in the service account's namespace: critical cluster-wide or in a privileged namespace (sensitiveNamespaces), high elsewhere. A `userextras` entry without a key grants no extra. Rules limited by resourceNames are still reported.",
        Remediation = "Remove impersonate from roles held by workloads; grant it only to named administrators, restricted with resourceNames.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "impersonate";
}
