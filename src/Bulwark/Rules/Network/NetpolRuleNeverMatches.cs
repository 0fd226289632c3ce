using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-1: an ingress or egress rule, a peer or a named port entry that can never match.</summary>
public sealed class NetpolRuleNeverMatches : NetworkGapRule
{
    protected override GapKind Kind => GapKind.RuleNeverMatches;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-rule-never-matches",
        Title = "NetworkPolicy rule can never match",
        Severity = Severity.Low,
        Layer = Layer.Network,
        Controls = ["NET-1"],
        Rationale = "A dead rule, peer or port entry means traffic its author meant to allow is denied, and the policy does not say what it seems to say. " +
            "A peer never matches when its selectors match no workload of the input (judged only in namespaces the input holds workloads for; peers selecting other namespaces, say kube-system's DNS when the input does not contain it, are not reported) or when its ipBlock excepts every address of its cidr. " +
            "A named port entry never matches when no destination pod declares a container port of that name and protocol (for ingress the pods the policy selects, for egress the pods the rule's peers match); towards ipBlock addresses a named port never resolves. " +
            "When every peer or every port entry of a rule is dead, the rule is reported once at the rule; otherwise each dead peer and port entry is reported where it is written. " +
            AnalysisNote,
        Remediation = "Fix the selector labels (namespaces are matched by their labels; kubernetes.io/metadata.name holds the name), the port name and protocol, or the ipBlock, or delete the dead part.",
    };
}
