using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Rbac;

public sealed class SharedServiceAccount : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "shared-service-account",
        Title = "Service account shared by several workloads",
        Severity = Severity.Medium,
        Layer = Layer.Rbac,
        Controls = ["RBAC-2"],
        Rationale = "A ServiceAccount used by several workloads holds the union of the permissions they need, and compromising any of them yields all of it. " +
            "A workload is a pod-running object together with what it owns: objects linked by metadata.ownerReferences (the controller reference first) count as one workload, " +
            "so a Deployment with its ReplicaSets and Pods in the input is one; pods are not matched to controllers by label selectors. " +
            "The default ServiceAccount is left to default-service-account. Each workload is reported once, on its top-most object in the input.",
        Remediation = "Give each workload its own ServiceAccount, bound only to the roles that workload needs.",
    };

    public override void Check(RuleContext context)
    {
        var byAccount = new Dictionary<(string? Namespace, string Name), List<(string Key, KubeObject Top, PodTemplate Pod)>>();
        foreach (var pod in context.Inventory.PodTemplates)
        {
            var account = PodServiceAccount.Of(pod);
            if (account.IsDefault)
            {
                continue;
            }

            var key = Workloads.Key(context.Inventory, pod.Owner, out var top);
            if (!byAccount.TryGetValue((account.Namespace, account.Name), out var list))
            {
                byAccount[(account.Namespace, account.Name)] = list = new();
            }

            list.Add((key, top, pod));
        }

        foreach (var users in byAccount.Values)
        {
            // One representative per workload: the pod-running object that is the workload's top-most object in the
            // input, else the first object met.
            var workloads = users.GroupBy(u => u.Key, StringComparer.Ordinal)
                .Select(g => g.FirstOrDefault(u => ReferenceEquals(u.Pod.Owner, u.Top)) is { Pod: not null } own ? own : g.First())
                .ToList();
            if (workloads.Count < 2)
            {
                continue;
            }

            foreach (var workload in workloads)
            {
                var account = PodServiceAccount.Of(workload.Pod);
                var others = workloads.Where(w => w.Key != workload.Key).Select(w => w.Key).ToList();
                var list = string.Join(", ", others.Take(5)) + (others.Count > 5 ? $" and {others.Count - 5} more" : string.Empty);
                context.Report(workload.Pod.Owner, account.Pointer,
                    $"{account.Describe()} is also used by {list}");
            }
        }
    }
}
