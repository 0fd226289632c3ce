using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacAggregatedRoleExplicitRules : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-aggregated-role-explicit-rules",
        Title = "Aggregated ClusterRole has hand-written rules",
        Severity = Severity.Info,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A ClusterRole with an aggregationRule has its rules overwritten by the aggregation controller, so rules written into it are discarded: the manifest does not say what the role grants.",
        Remediation = "Move the rules into a separate ClusterRole labelled for aggregation.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "aggregated-role-explicit-rules";
}
