using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Network;

public sealed class DashboardClusterAdmin : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "dashboard-cluster-admin",
        Title = "Kubernetes dashboard service account is cluster-admin",
        Severity = Severity.Critical,
        Layer = Layer.Network,
        Controls = ["NET-5", "RBAC-3"],
        Rationale = "Whatever the dashboard does on its own behalf (and everything a skip-login user does) runs with its service account; bound to cluster-admin, reaching the dashboard means owning the cluster. " +
            "Bulwark reports a ClusterRoleBinding or RoleBinding in the input whose roleRef is the ClusterRole cluster-admin and whose subjects include the dashboard pod's service account (serviceAccountName, default \"default\"); a ServiceAccount subject of a RoleBinding without a namespace means the binding's namespace, one of a ClusterRoleBinding without a namespace matches nothing.",
        Remediation = "Bind the dashboard's service account only to the minimal role its chart ships, and let users log in with their own tokens.",
    };

    public override void Check(RuleContext context)
    {
        var dashboards = Dashboard.Pods(context).ToList();
        if (dashboards.Count == 0)
        {
            return;
        }

        var bindings = context.Inventory.OfKind("rbac.authorization.k8s.io", "ClusterRoleBinding")
            .Concat(context.Inventory.OfKind("rbac.authorization.k8s.io", "RoleBinding"));
        foreach (var binding in bindings)
        {
            var roleRef = binding.Root.GetMapping("roleRef");
            if (roleRef?.GetString("kind") != "ClusterRole" || roleRef.GetString("name") != "cluster-admin")
            {
                continue;
            }

            var subjects = binding.Root.GetSequence("subjects")?.Items ?? [];
            for (var i = 0; i < subjects.Count; i++)
            {
                if (subjects[i] is not MappingNode subject || subject.GetString("kind") != "ServiceAccount")
                {
                    continue;
                }

                var ns = subject.GetString("namespace") ?? (binding.Kind == "RoleBinding" ? binding.Namespace : null);
                var name = subject.GetString("name");
                var pod = dashboards.FirstOrDefault(p =>
                    ns is not null && ns == p.Namespace && name == (string.IsNullOrEmpty(p.Spec.ServiceAccountName) ? "default" : p.Spec.ServiceAccountName));
                if (pod is not null)
                {
                    context.Report(binding, $"/subjects/{i}",
                        $"{binding.Kind} \"{binding.Name}\" grants cluster-admin to service account \"{name}\" of the Kubernetes dashboard {pod.Owner.Kind} \"{pod.Owner.Name}\"");
                }
            }
        }
    }
}
