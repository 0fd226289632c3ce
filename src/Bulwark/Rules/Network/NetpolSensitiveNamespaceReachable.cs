using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-3: a workload of a sensitive namespace that workloads of other namespaces, or external addresses, can reach.</summary>
public sealed class NetpolSensitiveNamespaceReachable : NetworkGapRule
{
    protected override GapKind Kind => GapKind.SensitiveNamespaceReachable;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-sensitive-namespace-reachable",
        Title = "Workload of a sensitive namespace is reachable from outside it",
        Severity = Severity.High,
        Layer = Layer.Network,
        Controls = ["NET-3"],
        Rationale = "Namespaces are trust boundaries: workloads of sensitive namespaces (the control plane's add-ons, payments, identity) should accept traffic only from the clients that need them. " +
            "Reported per workload of a namespace of the sensitiveNamespaces parameter (default kube-system) that some workload of another namespace can reach (both the source's egress and the destination's ingress allow it) or that external addresses can reach; the message lists the sources and ports. " +
            "High when some source may send every port and protocol (typically an ingress that no policy isolates, or a rule without ports); medium when external addresses reach it, or every workload of another namespace holding at least two (a namespace-wide or cluster-wide allow, which the namespace's next workload inherits: other shared services stay reported until they are excepted). " +
            "When only some workloads of other namespaces reach it on some ports, the strict allow-list the hardening guide asks for, the access is listed by bulwark netpol gaps at info severity for review and not reported by scan; so is access on the DNS port only (53, UDP and TCP), since cluster DNS serves every namespace by design. A namespace holding a single workload is no evidence of a namespace-wide allow. " +
            AnalysisNote,
        Remediation = "Deny ingress by default in the sensitive namespace and allow each client namespace and pod (namespaceSelector on kubernetes.io/metadata.name with a podSelector) on the ports it uses; except the findings for other services meant to be shared.",
        Parameters = ["sensitiveNamespaces"],
    };
}
