using Bulwark.Model;

namespace Bulwark.Rbac;

/// <summary>The identity of a Role (kind Role, with a namespace) or a ClusterRole (namespace "").</summary>
public readonly record struct RoleKey(string Kind, string Namespace, string Name)
{
    public const string RoleKind = "Role";
    public const string ClusterRoleKind = "ClusterRole";

    public static RoleKey Cluster(string name) => new(ClusterRoleKind, string.Empty, name);

    public override string ToString() => Namespace.Length == 0 ? $"{Kind} \"{Name}\"" : $"{Kind} \"{Namespace}/{Name}\"";
}

/// <summary>
/// One PolicyRule. Equality is by content (what aggregation de-duplicates); <see cref="Origin"/> and
/// <see cref="Index"/> say where the rule was written (for an aggregated ClusterRole: the contributing role).
/// A null list element decodes to "" as in Kubernetes.
/// </summary>
public sealed class PolicyRule : IEquatable<PolicyRule>
{
    public PolicyRule(IReadOnlyList<string> verbs, IReadOnlyList<string> apiGroups, IReadOnlyList<string> resources,
        IReadOnlyList<string> resourceNames, IReadOnlyList<string> nonResourceUrls, RoleKey origin = default, int index = 0, KubeObject? source = null)
    {
        Verbs = verbs;
        ApiGroups = apiGroups;
        Resources = resources;
        ResourceNames = resourceNames;
        NonResourceUrls = nonResourceUrls;
        Origin = origin;
        Index = index;
        Source = source;
    }

    public IReadOnlyList<string> Verbs { get; }

    public IReadOnlyList<string> ApiGroups { get; }

    public IReadOnlyList<string> Resources { get; }

    public IReadOnlyList<string> ResourceNames { get; }

    public IReadOnlyList<string> NonResourceUrls { get; }

    /// <summary>The role the rule is written in.</summary>
    public RoleKey Origin { get; }

    /// <summary>The rule's index in its role's <c>rules</c>.</summary>
    public int Index { get; }

    /// <summary>The manifest object the rule was read from (null for a rule built in code).</summary>
    public KubeObject? Source { get; }

    /// <summary>The JSON pointer of the rule inside <see cref="Source"/>.</summary>
    public string Pointer => JsonPointer.Append("/rules", Index);

    public bool Equals(PolicyRule? other) => other is not null &&
        Verbs.SequenceEqual(other.Verbs, StringComparer.Ordinal) && ApiGroups.SequenceEqual(other.ApiGroups, StringComparer.Ordinal) &&
        Resources.SequenceEqual(other.Resources, StringComparer.Ordinal) && ResourceNames.SequenceEqual(other.ResourceNames, StringComparer.Ordinal) &&
        NonResourceUrls.SequenceEqual(other.NonResourceUrls, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as PolicyRule);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var list in new[] { Verbs, ApiGroups, Resources, ResourceNames, NonResourceUrls })
        {
            hash.Add(list.Count);
            foreach (var s in list)
            {
                hash.Add(s, StringComparer.Ordinal);
            }
        }

        return hash.ToHashCode();
    }

    /// <summary>A compact kubectl-describe-like text: <c>get,list pods,pods/log [names: a] (apps)</c>.</summary>
    public override string ToString()
    {
        if (NonResourceUrls.Count > 0 && Resources.Count == 0)
        {
            return $"{string.Join(',', Verbs)} {string.Join(',', NonResourceUrls)}";
        }

        var groups = string.Join(',', ApiGroups.Select(g => g.Length == 0 ? "\"\"" : g));
        var names = ResourceNames.Count > 0 ? $" [names: {string.Join(',', ResourceNames)}]" : string.Empty;
        return $"{string.Join(',', Verbs)} {string.Join(',', Resources)}{names} (apiGroups: {groups})";
    }
}

/// <summary>A Role or ClusterRole with its effective rules (after aggregation) and the rules written in it.</summary>
public sealed class RbacRole
{
    public RbacRole(RoleKey key, IReadOnlyDictionary<string, string> labels, IReadOnlyList<PolicyRule> writtenRules,
        IReadOnlyList<LabelSelector>? aggregationSelectors, KubeObject? source, bool isDefault)
    {
        Key = key;
        Labels = labels;
        WrittenRules = writtenRules;
        Rules = writtenRules;
        AggregationSelectors = aggregationSelectors;
        Source = source;
        IsDefault = isDefault;
    }

    public RoleKey Key { get; }

    public string Kind => Key.Kind;

    public string Namespace => Key.Namespace;

    public string Name => Key.Name;

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The rules as written in the manifest.</summary>
    public IReadOnlyList<PolicyRule> WrittenRules { get; }

    /// <summary>The rules the authorizer uses: the written ones, or for an aggregated ClusterRole the aggregated ones.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; internal set; }

    /// <summary>The clusterRoleSelectors of an aggregationRule; null when the role has none.</summary>
    public IReadOnlyList<LabelSelector>? AggregationSelectors { get; }

    public bool IsAggregated => AggregationSelectors is not null;

    /// <summary>The manifest object; null for a default role the input does not contain.</summary>
    public KubeObject? Source { get; }

    /// <summary>One of Kubernetes' default cluster roles, added because the input omits it.</summary>
    public bool IsDefault { get; }

    public override string ToString() => Key.ToString();
}

/// <summary>A subject of a binding as written (kind, name, namespace; apiGroup is never consulted by the authorizer).</summary>
public sealed record RbacSubject(string Kind, string Name, string? Namespace, string ApiGroup, int Index)
{
    public const string User = "User";
    public const string Group = "Group";
    public const string ServiceAccount = "ServiceAccount";

    public string Pointer => JsonPointer.Append("/subjects", Index);

    public override string ToString() => Kind == ServiceAccount
        ? $"ServiceAccount \"{(Namespace is null ? string.Empty : Namespace + "/")}{Name}\""
        : $"{Kind} \"{Name}\"";
}

/// <summary>A RoleBinding (namespace set) or ClusterRoleBinding (namespace "").</summary>
public sealed class RbacBinding
{
    public RbacBinding(string kind, string @namespace, string name, RoleKey roleRef, string roleRefApiGroup,
        IReadOnlyList<RbacSubject> subjects, KubeObject? source, int order)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        RoleRef = roleRef;
        RoleRefApiGroup = roleRefApiGroup;
        Subjects = subjects;
        Source = source;
        Order = order;
    }

    public const string RoleBindingKind = "RoleBinding";
    public const string ClusterRoleBindingKind = "ClusterRoleBinding";

    public string Kind { get; }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>The referenced role; a RoleBinding's Role is looked up in the binding's namespace.</summary>
    public RoleKey RoleRef { get; }

    /// <summary>roleRef.apiGroup after API defaulting (empty becomes rbac.authorization.k8s.io).</summary>
    public string RoleRefApiGroup { get; }

    public IReadOnlyList<RbacSubject> Subjects { get; }

    public KubeObject? Source { get; }

    /// <summary>Input order, for stable output.</summary>
    public int Order { get; }

    public bool IsClusterRoleBinding => Kind == ClusterRoleBindingKind;

    public override string ToString() => IsClusterRoleBinding ? $"{Kind} \"{Name}\"" : $"{Kind} \"{Namespace}/{Name}\"";
}

/// <summary>Something wrong in the RBAC input that the authorizer tolerates (dangling roleRef, invalid subject, ...).</summary>
public sealed record RbacProblem(string Id, string Message, KubeObject? Object, string Pointer);

/// <summary>The identity a request is made as: a user name (null when asking about a group alone) and its groups.</summary>
public sealed class UserInfo
{
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public const string Anonymous = "system:anonymous";
    public const string Masters = "system:masters";
    public const string ServiceAccounts = "system:serviceaccounts";
    public const string ServiceAccountUserPrefix = "system:serviceaccount:";

    public UserInfo(string? name, IEnumerable<string> groups)
    {
        Name = name;
        Groups = new HashSet<string>(groups, StringComparer.Ordinal);
    }

    public string? Name { get; }

    public IReadOnlySet<string> Groups { get; }

    /// <summary>
    /// A user as an authenticator would present it: the given groups plus system:authenticated, or for
    /// system:anonymous, system:unauthenticated. A user named system:serviceaccount:NS:NAME is that service account.
    /// </summary>
    public static UserInfo ForUser(string name, IEnumerable<string>? groups = null)
    {
        if (ParseServiceAccountUser(name) is { } sa)
        {
            return ForServiceAccount(sa.Namespace, sa.Name, groups);
        }

        var all = (groups ?? []).ToList();
        all.Add(name == Anonymous ? Unauthenticated : Authenticated);
        return new UserInfo(name, all);
    }

    /// <summary>A member of a group (no user name): the group, any further groups, and system:authenticated unless the group is system:unauthenticated.</summary>
    public static UserInfo ForGroup(string group, IEnumerable<string>? groups = null)
    {
        var all = (groups ?? []).Append(group).ToList();
        if (group != Unauthenticated)
        {
            all.Add(Authenticated);
        }

        return new UserInfo(null, all);
    }

    /// <summary>A service account token's identity: system:serviceaccount:NS:NAME in system:serviceaccounts, system:serviceaccounts:NS and system:authenticated.</summary>
    public static UserInfo ForServiceAccount(string @namespace, string name, IEnumerable<string>? groups = null) =>
        new(ServiceAccountUserName(@namespace, name),
            (groups ?? []).Concat([ServiceAccounts, ServiceAccounts + ":" + @namespace, Authenticated]));

    public static string ServiceAccountUserName(string @namespace, string name) => ServiceAccountUserPrefix + @namespace + ":" + name;

    /// <summary>The (namespace, name) of a system:serviceaccount:NS:NAME user name, or null.</summary>
    public static (string Namespace, string Name)? ParseServiceAccountUser(string userName)
    {
        if (!userName.StartsWith(ServiceAccountUserPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = userName[ServiceAccountUserPrefix.Length..];
        var colon = rest.IndexOf(':');
        return colon > 0 && colon < rest.Length - 1 && rest.IndexOf(':', colon + 1) < 0 ? (rest[..colon], rest[(colon + 1)..]) : null;
    }

    public override string ToString() => Name is null
        ? $"groups [{string.Join(", ", Groups.Order(StringComparer.Ordinal))}]"
        : $"{Name} (groups [{string.Join(", ", Groups.Order(StringComparer.Ordinal))}])";
}

/// <summary>
/// The attributes RBAC sees: verb, then either API group/resource/subresource/name/namespace (a resource request)
/// or a path (a non-resource request, namespace always "").
/// </summary>
public sealed record RequestAttributes
{
    public required string Verb { get; init; }

    public bool IsResourceRequest { get; init; } = true;

    public string ApiGroup { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string Subresource { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>"" for cluster-scoped resources and cluster-wide (all-namespaces) requests.</summary>
    public string Namespace { get; init; } = string.Empty;

    public string Path { get; init; } = string.Empty;

    public static RequestAttributes ForResource(string verb, string group, string resource, string subresource = "", string name = "", string @namespace = "") =>
        new() { Verb = verb, ApiGroup = group, Resource = resource, Subresource = subresource, Name = name, Namespace = @namespace };

    public static RequestAttributes ForNonResource(string verb, string path) =>
        new() { Verb = verb, IsResourceRequest = false, Path = path };

    /// <summary>"resource" or "resource/subresource".</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    public override string ToString()
    {
        if (!IsResourceRequest)
        {
            return $"{Verb} {Path}";
        }

        var group = ApiGroup.Length == 0 ? string.Empty : "." + ApiGroup;
        var name = Name.Length == 0 ? string.Empty : $" \"{Name}\"";
        var scope = Namespace.Length == 0 ? " (cluster-wide)" : $" in namespace \"{Namespace}\"";
        return $"{Verb} {CombinedResource}{group}{name}{scope}";
    }
}

/// <summary>Why a request is allowed: a binding, whose subject applies, binds a role with a rule that matches.</summary>
public sealed record Grant(RbacBinding Binding, RbacSubject Subject, RbacRole Role, PolicyRule Rule)
{
    /// <summary>Upstream's reason text: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z".</summary>
    public override string ToString() => $"allowed by {Binding} of {Role.Key} to {Subject}";
}

/// <summary>The answer to can-i.</summary>
public sealed record AccessDecision(bool Allowed, IReadOnlyList<Grant> Grants, string? PrivilegedGroup);

/// <summary>A subject who-can returns, as written in the bindings, with every grant that lets it.</summary>
public sealed record SubjectGrants(string Kind, string Name, string? Namespace, IReadOnlyList<Grant> Grants);

/// <summary>A subject reported apart because it is allowed without any binding (system:masters).</summary>
public sealed record ImplicitSubject(string Kind, string Name, string Reason);

/// <summary>The answer to who-can: the subjects of the bindings that allow it, and the implicit ones.</summary>
public sealed record WhoCanResult(IReadOnlyList<SubjectGrants> Subjects, IReadOnlyList<ImplicitSubject> ImplicitSubjects);
