using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rbac.Risks;

/// <summary>The catalog's binding risks and hygiene findings: broad-group-binding, cluster-admin-binding, dangling-roleref, invalid-subject, unused-role, aggregated-role-explicit-rules.</summary>
internal static class BindingRisks
{
    public static IEnumerable<RiskFinding> Analyze(RbacModel model, RiskOptions options)
    {
        foreach (var binding in model.Bindings)
        {
            if (binding.Source is null || RiskEngine.IsBootstrap(binding.Source))
            {
                continue;
            }

            foreach (var subject in binding.Subjects.Where(RiskEngine.IsBroadGroup))
            {
                var unauthenticated = subject.Name is UserInfo.Unauthenticated or UserInfo.Anonymous;
                yield return new RiskFinding("broad-group-binding", unauthenticated ? Severity.Critical : Severity.High, binding.Source, subject.Pointer,
                    $"{binding} binds {binding.RoleRef} to {subject}: {(unauthenticated ? "every anonymous caller" : "every authenticated caller or pod")} inherits it",
                    [new RiskHolder(subject, binding)]) { Binding = binding };
            }

            if (binding.RoleRef.Kind == RoleKey.ClusterRoleKind && binding.RoleRef.Name is "cluster-admin" or "admin" or "edit")
            {
                foreach (var subject in binding.Subjects)
                {
                    var holder = new RiskHolder(subject, binding);
                    if (RiskEngine.IsBroadGroup(subject) || !IsWorkload(binding, subject) || holder.IsSystem(options.SystemNamespaces))
                    {
                        continue; // broad groups: broad-group-binding; people: the intended use
                    }

                    var critical = binding.RoleRef.Name == "cluster-admin";
                    yield return new RiskFinding("cluster-admin-binding", critical ? Severity.Critical : Severity.High, binding.Source, subject.Pointer,
                        $"{binding} binds ClusterRole \"{binding.RoleRef.Name}\" to {subject}{(binding.IsClusterRoleBinding && !critical ? " in every namespace" : string.Empty)}",
                        [holder]) { Binding = binding };
                }
            }
        }

        foreach (var problem in model.Problems)
        {
            if (problem.Id is "dangling-roleref" or "invalid-subject" && problem.Object is { } obj && !RiskEngine.IsBootstrap(obj))
            {
                yield return new RiskFinding(problem.Id, Severity.Low, obj, problem.Pointer, problem.Message, []);
            }
        }

        var used = new HashSet<RoleKey>();
        foreach (var binding in model.Bindings)
        {
            if (model.ResolveRole(binding) is { } role)
            {
                used.Add(role.Key);
            }
        }

        var aggregated = model.Roles.Where(r => r.IsAggregated && used.Contains(r.Key)).ToList();
        foreach (var role in model.Roles)
        {
            if (role.Source is not { } source || RiskEngine.IsBootstrap(source))
            {
                continue;
            }

            if (role.IsAggregated && role.WrittenRules.Count > 0)
            {
                yield return new RiskFinding("aggregated-role-explicit-rules", Severity.Info, source, "/rules",
                    $"{role.Key} has an aggregationRule and {role.WrittenRules.Count} hand-written rule(s), which the aggregation controller overwrites", []) { Role = role };
            }

            var feedsUsed = role.Kind == RoleKey.ClusterRoleKind && aggregated.Any(a => !ReferenceEquals(a, role) && a.AggregationSelectors!.Any(s => s.Matches(role.Labels)));
            if (!used.Contains(role.Key) && !feedsUsed)
            {
                yield return new RiskFinding("unused-role", Severity.Info, source, "/metadata/name",
                    $"{role.Key} is referenced by no binding and aggregated into no bound ClusterRole", []) { Role = role };
            }
        }
    }

    /// <summary>A subject that is a workload identity: a ServiceAccount, or a User named system:serviceaccount:NS:NAME.</summary>
    private static bool IsWorkload(RbacBinding binding, RbacSubject subject) =>
        subject.Kind == RbacSubject.ServiceAccount || (subject.Kind == RbacSubject.User && UserInfo.ParseServiceAccountUser(subject.Name) is not null);
}
