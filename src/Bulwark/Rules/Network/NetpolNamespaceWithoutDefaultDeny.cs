using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-1: a namespace with no default-deny NetworkPolicy for a direction.</summary>
public sealed class NetpolNamespaceWithoutDefaultDeny : NetworkGapRule
{
    protected override GapKind Kind => GapKind.NamespaceWithoutDefaultDeny;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-namespace-without-default-deny",
        Title = "Namespace has no default-deny NetworkPolicy",
        Severity = Severity.Medium,
        Layer = Layer.Network,
        Controls = ["NET-1"],
        Rationale = "Without a default deny, every pod of the namespace that no other policy selects accepts traffic from (or sends traffic to) anywhere, and every new workload starts open. " +
            "A direction is denied by default when some NetworkPolicy of the namespace has podSelector {}, the direction in its policyTypes after the API server's defaulting (absent or empty: Ingress, plus Egress only when spec.egress has a rule) and no rule for that direction; a policy allowing everything (ingress: [{}]) is no default deny. " +
            "One finding per namespace and direction, at the Namespace object (or the namespace field of the first object in the namespace when the input has no Namespace object). " +
            "Severity: medium when some workload of the namespace is isolated in that direction by no policy (the softer variant netpol-analyzer and kube-linter report), low when other policies isolate every workload, one level higher in the namespaces of the sensitiveNamespaces parameter. " +
            AnalysisNote,
        Remediation = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the traffic each workload needs, DNS egress included.",
        Parameters = ["sensitiveNamespaces"],
    };
}
