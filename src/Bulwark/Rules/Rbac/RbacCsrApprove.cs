using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacCsrApprove : RiskRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-csr-approve",
        Title = "Role can approve certificate signing requests",
        Severity = Severity.Critical,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Update or patch on certificatesigningrequests/approval together with approve on signers (certificates.k8s.io, in the same role, any names) lets a subject approve its own CSR for a client certificate in group system:masters. CSRs are cluster-scoped, so only cluster-wide grants count. The finding is at the approval rule.",
        Remediation = "Leave CSR approval to the controller manager; restrict approve on signers with resourceNames to signers that cannot issue client certificates.",
        Parameters = ["sensitiveNamespaces", "systemNamespaces"],
    };

    protected override string RiskId => "csr-approve";
}
