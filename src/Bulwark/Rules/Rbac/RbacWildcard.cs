using Bulwark.Findings;

namespace Bulwark.Rules.Rbac;

public sealed class RbacWildcard : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-wildcard",
        Title = "Role grants a wildcard",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "A `*` in verbs, resources or apiGroups grants everything that exists and everything added later (new verbs, subresources, CRDs), so the grant cannot be reviewed. " +
            "Each of the three fields is reported separately, at its first `*` element; partial forms such as `*/scale` are not reported here. " +
            "ClusterRoles with an aggregationRule are skipped: their rules are computed by the aggregation controller, and the wildcard is reported in the role it comes from. " +
            "The built-in ClusterRole cluster-admin is skipped when it appears in the input, since it is `*` by design (its bindings are checked by rbac-broad-role-binding).",
        Remediation = "List the exact verbs, resources and API groups the subject needs instead of `*`.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var role in RbacObjects.Roles(context.Inventory))
        {
            if (RbacObjects.IsAggregated(role) || RbacObjects.IsBuiltInClusterAdmin(role))
            {
                continue;
            }

            foreach (var rule in RbacObjects.Rules(role))
            {
                Report(context, rule, rule.Verbs, "verbs", "every verb");
                Report(context, rule, rule.ApiGroups, "apiGroups", "every API group");
                Report(context, rule, rule.Resources, "resources", "every resource and subresource");
            }
        }
    }

    private static void Report(RuleContext context, PolicyRuleView rule, IReadOnlyList<RuleItem> items, string field, string what)
    {
        foreach (var item in items)
        {
            if (item.Value == "*")
            {
                context.Report(rule.Role, item.Pointer, $"rule {rule.Index} of {rule.Role.Kind} \"{rule.Role.Name}\" has `*` in {field}, granting {what}");
                return;
            }
        }
    }
}
