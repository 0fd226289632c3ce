using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacBroadRoleBinding : Rule
{
    private static readonly HashSet<string> BroadRoles = new(StringComparer.Ordinal) { RbacObjects.ClusterAdmin, "admin", "edit" };

    private static readonly HashSet<string> BroadGroups = new(StringComparer.Ordinal)
    {
        "system:authenticated", "system:unauthenticated", "system:serviceaccounts",
    };

    private const string ServiceAccountsGroupPrefix = "system:serviceaccounts:";

    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-broad-role-binding",
        Title = "Broad role bound to a workload or to everyone",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Binding the ClusterRole cluster-admin, admin or edit to a ServiceAccount gives every pod running as it (and anyone who steals its token) that power; " +
            "binding it to system:authenticated, system:unauthenticated, system:serviceaccounts, system:serviceaccounts:<namespace> or the user system:anonymous gives it to everyone in that group. " +
            "Bindings of these roles to people (users and groups from the identity provider) are the intended use and are not reported. " +
            "A User subject named system:serviceaccount:<namespace>:<name> is treated as that ServiceAccount, as the authorizer matches it the same way; a ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody and is ignored. " +
            "Only roleRef kind ClusterRole counts (a namespaced Role that happens to be called admin is not the built-in role). " +
            "ServiceAccounts of the systemNamespaces parameter (default kube-system, kube-public, kube-node-lease) and their system:serviceaccounts:<namespace> groups are exempt, as platform components live there; set systemNamespaces to [] to include them. " +
            "Severity is critical for cluster-admin and high for admin and edit (a ClusterRoleBinding of admin or edit applies in every namespace).",
        Remediation = "Bind the workload's ServiceAccount to a Role with only the verbs and resources it needs, in its own namespace; bind broad roles only to groups of people, through RoleBindings where possible.",
        Parameters = ["systemNamespaces"],
    };

    public override void Check(RuleContext context)
    {
        var system = context.Parameters.SystemNamespaces.ToHashSet(StringComparer.Ordinal);
        foreach (var binding in RbacObjects.Bindings(context.Inventory))
        {
            var (kind, name) = RbacObjects.RoleRef(binding);
            if (kind != "ClusterRole" || !BroadRoles.Contains(name))
            {
                continue;
            }

            var scope = binding.Kind == "ClusterRoleBinding"
                ? "cluster-wide"
                : binding.Namespace is null ? "in the binding's namespace" : $"in namespace {binding.Namespace}";
            var severity = name == RbacObjects.ClusterAdmin ? Severity.Critical : Severity.High;
            foreach (var subject in RbacObjects.Subjects(binding))
            {
                string? why = null;
                if (subject.ServiceAccount(binding) is { } sa)
                {
                    if (sa.Namespace is null || !system.Contains(sa.Namespace))
                    {
                        why = "a workload identity";
                    }
                }
                else if (subject.Kind == "Group" && BroadGroups.Contains(subject.Name))
                {
                    why = subject.Name == "system:unauthenticated" ? "every anonymous caller" : "a group of every caller or every pod";
                }
                else if (subject.Kind == "Group" && subject.Name.StartsWith(ServiceAccountsGroupPrefix, StringComparison.Ordinal) &&
                    !system.Contains(subject.Name[ServiceAccountsGroupPrefix.Length..]))
                {
                    why = "every ServiceAccount of a namespace";
                }
                else if (subject.Kind == "User" && subject.Name == "system:anonymous")
                {
                    why = "every anonymous caller";
                }

                if (why is not null)
                {
                    context.Report(binding, subject.Pointer,
                        $"binding grants ClusterRole {name} {scope} to {subject.Describe(binding)} ({why})", severity);
                }
            }
        }
    }
}
