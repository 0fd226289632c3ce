using Bulwark.Model;

namespace Bulwark.Rbac;

/// <summary>
/// Reads Roles, ClusterRoles, RoleBindings and ClusterRoleBindings from manifest objects, applying the API
/// defaulting upstream applies (empty roleRef.apiGroup and User/Group subject apiGroup become
/// rbac.authorization.k8s.io) and recording what validation would reject as problems (RBAC.md 1.1).
/// </summary>
internal static class RbacReader
{
    public const string RbacGroup = "rbac.authorization.k8s.io";

    public static bool IsRbacObject(KubeObject obj) => obj.Group == RbacGroup &&
        obj.Kind is RoleKey.RoleKind or RoleKey.ClusterRoleKind or RbacBinding.RoleBindingKind or RbacBinding.ClusterRoleBindingKind;

    public static RbacRole ReadRole(KubeObject obj, string defaultNamespace, bool isDefault, List<RbacProblem> problems)
    {
        var cluster = obj.Kind == RoleKey.ClusterRoleKind;
        var ns = cluster ? string.Empty : Namespace(obj, defaultNamespace, problems);
        var key = new RoleKey(obj.Kind, ns, obj.Name);
        var rules = new List<PolicyRule>();
        if (obj.Root.Get("rules") is SequenceNode seq)
        {
            for (var i = 0; i < seq.Items.Count; i++)
            {
                if (seq.Items[i] is not MappingNode node)
                {
                    continue;
                }

                var rule = new PolicyRule(Strings(node, "verbs"), Strings(node, "apiGroups"), Strings(node, "resources"),
                    Strings(node, "resourceNames"), Strings(node, "nonResourceURLs"), key, i, obj);
                rules.Add(rule);
                ValidateRule(obj, rule, cluster, problems);
            }
        }

        List<LabelSelector>? selectors = null;
        if (cluster && obj.Root.Get("aggregationRule") is MappingNode aggregation)
        {
            selectors = aggregation.GetSequence("clusterRoleSelectors")?.Items.Select(LabelSelector.FromNode).ToList() ?? [];
            if (selectors.Count == 0)
            {
                problems.Add(new RbacProblem("invalid-aggregation", $"{key} has an aggregationRule without clusterRoleSelectors: it aggregates nothing", obj, "/aggregationRule"));
            }

            if (rules.Count > 0 && !isDefault)
            {
                problems.Add(new RbacProblem("aggregated-role-explicit-rules",
                    $"{key} has an aggregationRule and hand-written rules: the aggregation controller overwrites them", obj, "/rules"));
            }
        }

        return new RbacRole(key, Labels(obj), rules, selectors, obj, isDefault);
    }

    public static RbacBinding ReadBinding(KubeObject obj, string defaultNamespace, int order, List<RbacProblem> problems)
    {
        var cluster = obj.Kind == RbacBinding.ClusterRoleBindingKind;
        var ns = cluster ? string.Empty : Namespace(obj, defaultNamespace, problems);
        var roleRef = obj.Root.GetMapping("roleRef");
        var refKind = roleRef?.GetString("kind") ?? string.Empty;
        var refName = roleRef?.GetString("name") ?? string.Empty;
        var refGroup = roleRef?.GetString("apiGroup") is { Length: > 0 } g ? g : RbacGroup;
        var key = new RoleKey(refKind, refKind == RoleKey.RoleKind ? ns : string.Empty, refName);
        var what = cluster ? $"ClusterRoleBinding \"{obj.Name}\"" : $"RoleBinding \"{ns}/{obj.Name}\"";
        if (refGroup != RbacGroup)
        {
            problems.Add(new RbacProblem("invalid-roleref", $"{what}: roleRef.apiGroup is \"{refGroup}\", not {RbacGroup} (the API server rejects it)", obj, "/roleRef/apiGroup"));
        }

        if (refKind is not (RoleKey.RoleKind or RoleKey.ClusterRoleKind) || (cluster && refKind != RoleKey.ClusterRoleKind))
        {
            problems.Add(new RbacProblem("invalid-roleref",
                $"{what}: roleRef.kind \"{refKind}\" is not {(cluster ? "ClusterRole" : "Role or ClusterRole")}; the binding grants nothing", obj, "/roleRef/kind"));
        }

        var subjects = new List<RbacSubject>();
        if (obj.Root.Get("subjects") is SequenceNode seq)
        {
            for (var i = 0; i < seq.Items.Count; i++)
            {
                if (seq.Items[i] is not MappingNode s)
                {
                    continue;
                }

                var kind = s.GetString("kind") ?? string.Empty;
                var apiGroup = s.GetString("apiGroup") ?? (kind == RbacSubject.ServiceAccount ? string.Empty : RbacGroup);
                var subject = new RbacSubject(kind, s.GetString("name") ?? string.Empty, s.GetString("namespace") is { Length: > 0 } sns ? sns : null, apiGroup, i);
                subjects.Add(subject);
                ValidateSubject(obj, what, cluster, subject, problems);
            }
        }

        return new RbacBinding(obj.Kind, ns, obj.Name, key, refGroup, subjects, obj, order);
    }

    private static void ValidateSubject(KubeObject obj, string what, bool cluster, RbacSubject subject, List<RbacProblem> problems)
    {
        string? reason = subject.Kind switch
        {
            RbacSubject.ServiceAccount when cluster && subject.Namespace is null => "a ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody",
            RbacSubject.ServiceAccount when subject.ApiGroup.Length > 0 => $"a ServiceAccount subject has apiGroup \"\", not \"{subject.ApiGroup}\" (the API server rejects it)",
            RbacSubject.User or RbacSubject.Group when subject.ApiGroup != RbacGroup => $"a {subject.Kind} subject has apiGroup {RbacGroup}, not \"{subject.ApiGroup}\" (the API server rejects it)",
            RbacSubject.User or RbacSubject.Group when subject.Name == "*" => $"a {subject.Kind} named \"*\" is a literal name, not a wildcard: it matches nobody",
            RbacSubject.User or RbacSubject.Group or RbacSubject.ServiceAccount when subject.Name.Length == 0 => "the subject has no name",
            RbacSubject.User or RbacSubject.Group or RbacSubject.ServiceAccount => null,
            _ => $"unknown subject kind \"{subject.Kind}\" (only User, Group and ServiceAccount exist): it matches nobody",
        };
        if (reason is not null)
        {
            problems.Add(new RbacProblem("invalid-subject", $"{what}: subject {subject.Index} ({subject.Kind} \"{subject.Name}\"): {reason}", obj, subject.Pointer));
        }
    }

    private static void ValidateRule(KubeObject obj, PolicyRule rule, bool cluster, List<RbacProblem> problems)
    {
        string? reason = null;
        if (rule.Verbs.Count == 0)
        {
            reason = "a rule needs verbs";
        }
        else if (rule.NonResourceUrls.Count > 0 && !cluster)
        {
            reason = "nonResourceURLs are only allowed in ClusterRoles";
        }
        else if (rule.NonResourceUrls.Count > 0 && (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0))
        {
            reason = "a rule cannot mix nonResourceURLs with apiGroups, resources or resourceNames";
        }
        else if (rule.NonResourceUrls.Count == 0 && (rule.ApiGroups.Count == 0 || rule.Resources.Count == 0))
        {
            reason = "a resource rule needs apiGroups and resources";
        }

        if (reason is not null)
        {
            problems.Add(new RbacProblem("invalid-rule", $"{rule.Origin} rule {rule.Index}: {reason} (the API server rejects it)", obj, rule.Pointer));
        }
    }

    private static string Namespace(KubeObject obj, string defaultNamespace, List<RbacProblem> problems)
    {
        if (obj.Namespace is { } ns)
        {
            return ns;
        }

        problems.Add(new RbacProblem("missing-namespace",
            $"{obj.Kind} \"{obj.Name}\" has no metadata.namespace: evaluated in namespace \"{defaultNamespace}\", where kubectl would create it by default", obj, "/metadata"));
        return defaultNamespace;
    }

    private static List<string> Strings(MappingNode node, string key) =>
        node.Get(key) is SequenceNode seq
            ? seq.Items.OfType<ScalarNode>().Select(s => s.IsNull ? string.Empty : s.Value).ToList()
            : [];

    private static Dictionary<string, string> Labels(KubeObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in obj.Labels?.Entries ?? [])
        {
            labels[entry.Key.Value] = entry.Value is ScalarNode { IsNull: false } v ? v.Value : string.Empty;
        }

        return labels;
    }
}
