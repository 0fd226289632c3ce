using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Rbac;

public sealed class DefaultServiceAccount : PodRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "default-service-account",
        Title = "Workload runs as the default service account",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-2"],
        Rationale = "Every pod of a namespace that names no service account runs as its default ServiceAccount, so any permission granted to it is shared by all of them and cannot be attributed to one workload. " +
            "The account is resolved as the API server does: spec.serviceAccountName, else the deprecated spec.serviceAccount, else \"default\". " +
            "Every object that runs a pod is checked on its own (a Deployment and the ReplicaSets or Pods of it in the input are each reported, since each carries the field).",
        Remediation = "Create a dedicated ServiceAccount for the workload (with automountServiceAccountToken: false unless it calls the API) and set spec.serviceAccountName to it.",
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        var account = PodServiceAccount.Of(pod);
        if (!account.IsDefault)
        {
            return;
        }

        var message = account.Explicit
            ? $"pod runs as the default ServiceAccount ({(account.Pointer.EndsWith("/serviceAccount", StringComparison.Ordinal) ? "serviceAccount" : "serviceAccountName")}: default)"
            : "pod runs as the default ServiceAccount (serviceAccountName is not set)";
        context.Report(pod.Owner, account.Pointer, message);
    }
}
