using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Rbac;

public sealed class AutomountServiceAccountToken : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "automount-service-account-token",
        Title = "Pod gets a service-account token mounted",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-1"],
        Rationale = "A mounted token lets anyone who compromises the container call the API server with the service account's permissions. " +
            "Bulwark follows Kubernetes exactly: the pod's spec.automountServiceAccountToken wins over the ServiceAccount's field in both directions; " +
            "when the pod leaves it unset, the ServiceAccount (spec.serviceAccountName, else the deprecated spec.serviceAccount, else \"default\", in the pod's namespace) decides, and it mounts unless it sets automountServiceAccountToken: false. " +
            "A ServiceAccount missing from the input is assumed to mount (every namespace's default ServiceAccount does), and the message says it was not found. " +
            "A ServiceAccount named default that does not disable automount is reported too, but only when a pod in the input relies on it (leaves the pod field unset), to avoid noise on namespaces whose pods all opt out.",
        Remediation = "Set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount) unless the workload calls the Kubernetes API; when it does, mount a short-lived projected token only where it is needed.",
    };

    public override void Check(RuleContext context)
    {
        var defaultAccountUsers = new Dictionary<KubeObject, List<PodTemplate>>();
        foreach (var pod in context.Inventory.PodTemplates)
        {
            var pointer = pod.SpecField("automountServiceAccountToken");
            var fix = new Fix("set automountServiceAccountToken to false", [new PatchOperation("add", pointer, false)]);
            if (pod.Spec.AutomountServiceAccountToken is { } podSetting)
            {
                if (podSetting)
                {
                    context.Report(pod.Owner, pointer, "pod mounts a service-account token (automountServiceAccountToken: true)", fix: fix);
                }

                continue;
            }

            var account = PodServiceAccount.Of(pod);
            var sa = context.Inventory.FindServiceAccount(account.Namespace, account.Name);
            if (sa is null)
            {
                context.Report(pod.Owner, pointer,
                    $"pod mounts a service-account token: automountServiceAccountToken is unset and its {account.Describe()} was not found in the input (service accounts mount tokens by default)",
                    fix: fix);
                continue;
            }

            if (Inventory.ServiceAccount(sa)?.AutomountServiceAccountToken == false)
            {
                continue;
            }

            context.Report(pod.Owner, pointer,
                $"pod mounts a service-account token: automountServiceAccountToken is unset and its {account.Describe()} does not disable automount",
                fix: fix);
            if (account.IsDefault)
            {
                if (!defaultAccountUsers.TryGetValue(sa, out var users))
                {
                    defaultAccountUsers[sa] = users = new List<PodTemplate>();
                }

                users.Add(pod);
            }
        }

        foreach (var (sa, users) in defaultAccountUsers)
        {
            var distinct = users.Select(p => $"{p.Owner.Kind}/{p.Owner.Name}").Distinct().ToList();
            var names = string.Join(", ", distinct.Take(5));
            var more = distinct.Count > 5 ? " and others" : string.Empty;
            const string pointer = "/automountServiceAccountToken";
            context.Report(sa, pointer,
                $"the default ServiceAccount{(sa.Namespace is null ? string.Empty : $" of namespace {sa.Namespace}")} does not disable token automount and pods rely on it ({names}{more})",
                fix: new Fix("set automountServiceAccountToken to false", [new PatchOperation("add", pointer, false)]));
        }
    }
}
