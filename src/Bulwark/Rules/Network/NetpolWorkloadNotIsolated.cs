using Bulwark.Findings;
using Bulwark.Network.Gaps;

namespace Bulwark.Rules.Network;

/// <summary>NET-1: a workload that no policy selects for ingress or egress.</summary>
public sealed class NetpolWorkloadNotIsolated : NetworkGapRule
{
    protected override GapKind Kind => GapKind.WorkloadNotIsolated;

    public override RuleInfo Info { get; } = new()
    {
        Id = "netpol-workload-not-isolated",
        Title = "Workload is selected by no NetworkPolicy",
        Severity = Severity.Medium,
        Layer = Layer.Network,
        Controls = ["NET-1"],
        Rationale = "A pod is isolated in a direction only when some policy selecting it has that direction in its policyTypes; otherwise that direction allows everything, whatever the other policies of the cluster say. " +
            "Reported per workload and direction (netpol-analyzer's \"not protected on Ingress/Egress\"), at the workload's name: medium for ingress, low for egress (unrestricted egress is also reported by netpol-workload-internet-egress). " +
            "A workload counts as isolated when any evaluated tier applies to it in that direction (a NetworkPolicy, or an admin-tier policy). " +
            AnalysisNote,
        Remediation = "Select the workload with a NetworkPolicy for the direction (a default deny for its namespace does it for every workload), then allow only the clients or destinations it needs.",
    };
}
