using Bulwark.Model;
using Bulwark.Rbac;

namespace Bulwark.Rules.Rbac;

/// <summary>One string of a rule's list (a verb, an API group, a resource...) and the pointer of its element within the role.</summary>
internal readonly record struct RuleItem(string Value, string Pointer);

/// <summary>
/// One PolicyRule of a Role or ClusterRole, read from the node tree so every element keeps its exact pointer.
/// A null list element decodes to "" in Kubernetes (Go's JSON decoder leaves the zero string), so it is "" here.
/// </summary>
internal sealed class PolicyRuleView
{
    public PolicyRuleView(KubeObject role, int index, MappingNode node)
    {
        Role = role;
        Index = index;
        Pointer = JsonPointer.Append("/rules", index);
        Verbs = Items(node, "verbs", Pointer);
        ApiGroups = Items(node, "apiGroups", Pointer);
        Resources = Items(node, "resources", Pointer);
        ResourceNames = Items(node, "resourceNames", Pointer);
        NonResourceUrls = Items(node, "nonResourceURLs", Pointer);
    }

    public KubeObject Role { get; }

    public int Index { get; }

    public string Pointer { get; }

    public IReadOnlyList<RuleItem> Verbs { get; }

    public IReadOnlyList<RuleItem> ApiGroups { get; }

    public IReadOnlyList<RuleItem> Resources { get; }

    public IReadOnlyList<RuleItem> ResourceNames { get; }

    public IReadOnlyList<RuleItem> NonResourceUrls { get; }

    /// <summary>Upstream verb matching: <c>*</c> or exact, case-sensitive equality.</summary>
    public bool MatchesVerb(string verb) => Verbs.Any(v => v.Value == RuleMatching.All || v.Value == verb);

    /// <summary>Upstream API group matching: <c>*</c> or exact equality ("" is the core group).</summary>
    public bool MatchesGroup(string group) => ApiGroups.Any(g => g.Value == "*" || g.Value == group);

    /// <summary>The first resource element that matches a resource (and optional subresource), upstream semantics (<see cref="RuleMatching"/>).</summary>
    public RuleItem? MatchingResource(string resource, string subresource = "")
    {
        var values = Resources.Select(r => r.Value).ToList();
        return RuleMatching.MatchingResource(values, resource, subresource) is { } match ? Resources.First(r => r.Value == match) : null;
    }

    /// <summary>Whether the rule allows a request for any name (no resourceNames restriction).</summary>
    public bool AnyName => ResourceNames.Count == 0;

    private static List<RuleItem> Items(MappingNode node, string key, string rulePointer)
    {
        var list = new List<RuleItem>();
        if (node.Get(key) is SequenceNode seq)
        {
            var basePointer = JsonPointer.Append(rulePointer, key);
            for (var i = 0; i < seq.Items.Count; i++)
            {
                if (seq.Items[i] is ScalarNode s)
                {
                    list.Add(new RuleItem(s.IsNull ? string.Empty : s.Value, JsonPointer.Append(basePointer, i)));
                }
            }
        }

        return list;
    }
}

/// <summary>RBAC helpers shared by the RBAC rules: roles, rules, bindings, subjects, label selectors.</summary>
internal static class RbacObjects
{
    public const string Group = "rbac.authorization.k8s.io";

    /// <summary>The built-in ClusterRole every cluster has, made of <c>*</c> by design.</summary>
    public const string ClusterAdmin = "cluster-admin";

    public static IEnumerable<KubeObject> Roles(Inventory inventory) =>
        inventory.OfKind(Group, "Role").Concat(inventory.OfKind(Group, "ClusterRole"));

    public static IEnumerable<KubeObject> Bindings(Inventory inventory) =>
        inventory.OfKind(Group, "RoleBinding").Concat(inventory.OfKind(Group, "ClusterRoleBinding"));

    /// <summary>A ClusterRole with an aggregationRule: the controller overwrites its rules with those of the roles it selects.</summary>
    public static bool IsAggregated(KubeObject role) =>
        role.Kind == "ClusterRole" && role.Root.Get("aggregationRule") is MappingNode;

    public static bool IsBuiltInClusterAdmin(KubeObject role) => role.Kind == "ClusterRole" && role.Name == ClusterAdmin;

    public static IEnumerable<PolicyRuleView> Rules(KubeObject role)
    {
        if (role.Root.Get("rules") is not SequenceNode rules)
        {
            yield break;
        }

        for (var i = 0; i < rules.Items.Count; i++)
        {
            if (rules.Items[i] is MappingNode rule)
            {
                yield return new PolicyRuleView(role, i, rule);
            }
        }
    }

    /// <summary>The roleRef of a binding: kind and name ("" when missing).</summary>
    public static (string Kind, string Name) RoleRef(KubeObject binding)
    {
        var roleRef = binding.Root.GetMapping("roleRef");
        return (roleRef?.GetString("kind") ?? string.Empty, roleRef?.GetString("name") ?? string.Empty);
    }

    public static IEnumerable<Subject> Subjects(KubeObject binding)
    {
        if (binding.Root.Get("subjects") is not SequenceNode subjects)
        {
            yield break;
        }

        for (var i = 0; i < subjects.Items.Count; i++)
        {
            if (subjects.Items[i] is MappingNode s)
            {
                yield return new Subject(
                    s.GetString("kind") ?? string.Empty,
                    s.GetString("name") ?? string.Empty,
                    s.GetString("namespace") is { Length: > 0 } ns ? ns : null,
                    JsonPointer.Append("/subjects", i));
            }
        }
    }

    /// <summary>Labels of an object as strings.</summary>
    public static Dictionary<string, string> Labels(KubeObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in obj.Labels?.Entries ?? [])
        {
            if (entry.Value is ScalarNode { IsNull: false } v)
            {
                labels[entry.Key.Value] = v.Value;
            }
        }

        return labels;
    }

    /// <summary>The clusterRoleSelectors of an aggregated ClusterRole (each a matchLabels/matchExpressions selector).</summary>
    public static IReadOnlyList<MappingNode?> AggregationSelectors(KubeObject role)
    {
        if (role.Root.GetMapping("aggregationRule")?.GetSequence("clusterRoleSelectors") is not { } seq)
        {
            return [];
        }

        return seq.Items.Select(i => i as MappingNode).ToList();
    }

    /// <summary>
    /// Label selector matching as metav1.LabelSelectorAsSelector does: matchLabels and matchExpressions are ANDed;
    /// an empty (or null) selector matches everything.
    /// </summary>
    public static bool SelectorMatches(MappingNode? selector, IReadOnlyDictionary<string, string> labels) =>
        LabelSelector.FromNode(selector).Matches(labels);
}

/// <summary>One subject of a binding, with its pointer.</summary>
internal sealed record Subject(string Kind, string Name, string? Namespace, string Pointer)
{
    private const string ServiceAccountUserPrefix = "system:serviceaccount:";

    /// <summary>
    /// The (namespace, name) of the service account the subject designates: a ServiceAccount subject (namespace
    /// defaulting to the RoleBinding's; none in a ClusterRoleBinding, where it then matches nobody), or a User
    /// named system:serviceaccount:&lt;ns&gt;:&lt;name&gt;, which the authorizer matches the same way. Null otherwise.
    /// </summary>
    public (string? Namespace, string Name)? ServiceAccount(KubeObject binding)
    {
        if (Kind == "ServiceAccount")
        {
            if (Namespace is null && binding.Kind == "ClusterRoleBinding")
            {
                return null;
            }

            return (Namespace ?? binding.Namespace, Name);
        }

        if (Kind == "User" && Name.StartsWith(ServiceAccountUserPrefix, StringComparison.Ordinal))
        {
            var rest = Name[ServiceAccountUserPrefix.Length..];
            var colon = rest.IndexOf(':');
            if (colon > 0 && colon < rest.Length - 1)
            {
                return (rest[..colon], rest[(colon + 1)..]);
            }
        }

        return null;
    }

    /// <summary>
    /// A platform identity: a ServiceAccount of a system namespace, a control-plane user (system:kube-*, such as
    /// system:kube-controller-manager, or a kubelet system:node:*), or the groups system:nodes and system:masters.
    /// </summary>
    public bool IsPlatform(KubeObject binding, IReadOnlySet<string> systemNamespaces)
    {
        if (ServiceAccount(binding) is { } sa)
        {
            return sa.Namespace is not null && systemNamespaces.Contains(sa.Namespace);
        }

        return Kind switch
        {
            "User" => Name.StartsWith("system:kube-", StringComparison.Ordinal) || Name.StartsWith("system:node:", StringComparison.Ordinal),
            "Group" => Name is "system:nodes" or "system:masters",
            _ => false,
        };
    }

    /// <summary>A short description for messages: ServiceAccount shop/api, Group system:authenticated, User alice.</summary>
    public string Describe(KubeObject binding) => ServiceAccount(binding) is { } sa
        ? $"ServiceAccount {(sa.Namespace is null ? string.Empty : sa.Namespace + "/")}{sa.Name}"
        : $"{Kind} {Name}";
}
