using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-1: a NetworkPolicy whose podSelector matches no workload of its namespace.</summary>
public sealed class NetpolPolicySelectsNothing : NetworkGapRule
{
    protected override GapKind Kind => GapKind.PolicySelectsNothing;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-policy-selects-nothing",
        Title = "NetworkPolicy selects no workload",
        Severity = Severity.Low,
        Layer = Layer.Network,
        Controls = ["NET-1"],
        Rationale = "A policy whose podSelector matches no pod protects nothing: usually a typo or labels taken from the workload's metadata instead of its pod template, leaving the intended pods unprotected. " +
            "A policy selects pods of its own namespace only; it is reported when its namespace holds workloads in the input and none matches (a namespace without workloads in the input is not judged, as the input may not hold them). " +
            "Its rules are then not checked by netpol-rule-never-matches. " +
            AnalysisNote,
        Remediation = "Set the podSelector to the pod template labels of the workloads the policy is meant for, or delete the policy.",
    };
}
