using Bulwark.Model;

namespace Bulwark.Rbac;

/// <summary>How an <see cref="RbacModel"/> is built.</summary>
public sealed record RbacModelOptions
{
    /// <summary>Add Kubernetes' default ClusterRoles that the input does not define (input roles win by name).</summary>
    public bool IncludeDefaultRoles { get; init; } = true;

    /// <summary>The namespace assumed for a Role or RoleBinding written without one (kubectl's default).</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>
    /// The Kubernetes minor version whose default ClusterRoles are added (for example "1.28"; null: the newest Bulwark
    /// knows). Checked by <see cref="RbacModel.Build(IEnumerable{KubeObject}, RbacModelOptions?)"/>: a version that does
    /// not parse or is older than <see cref="DefaultRoles.OldestVersion"/> throws <see cref="ArgumentException"/>.
    /// </summary>
    public string? KubernetesVersion { get; init; }
}

/// <summary>
/// The RBAC authorizer over a set of manifests, with exactly the upstream semantics of RBAC.md section 1: roles
/// with aggregation computed to a fixpoint, bindings resolved the way the API server resolves them, subjects matched
/// as the authorizer matches them, and indexes (bindings by subject and by role, roles by resource) so that can-i
/// and who-can touch only the candidates.
/// </summary>
public sealed class RbacModel
{
    private readonly Dictionary<RoleKey, RbacRole> _roles = new();
    private readonly List<RbacBinding> _bindings = new();
    private readonly List<RbacProblem> _problems = new();
    private readonly Dictionary<string, List<(RbacBinding Binding, RbacSubject Subject)>> _bySubject = new(StringComparer.Ordinal);
    private readonly Dictionary<RoleKey, List<RbacBinding>> _byRole = new();
    private readonly Dictionary<string, List<RbacRole>> _rolesByResource = new(StringComparer.Ordinal);
    private readonly List<RbacRole> _nonResourceRoles = new();

    private RbacModel(RbacModelOptions options) => Options = options;

    public RbacModelOptions Options { get; }

    /// <summary>Every Role and ClusterRole (input order, then the default roles the input lacks).</summary>
    public IReadOnlyList<RbacRole> Roles { get; private set; } = [];

    public IReadOnlyList<RbacBinding> Bindings => _bindings;

    /// <summary>Dangling roleRefs, invalid subjects and rules, aggregation errors: what the authorizer tolerates.</summary>
    public IReadOnlyList<RbacProblem> Problems => _problems;

    public static RbacModel Build(Inventory inventory, RbacModelOptions? options = null) => Build(inventory.Objects, options);

    public static RbacModel Build(IEnumerable<KubeObject> objects, RbacModelOptions? options = null)
    {
        var model = new RbacModel(options ?? new RbacModelOptions());
        var defaults = model.Options.IncludeDefaultRoles ? DefaultRolesFor(model.Options.KubernetesVersion) : [];
        model.Load(objects, defaults);
        return model;
    }

    /// <summary>The default ClusterRoles of a version given as text (null: the newest); ArgumentException when it is not usable.</summary>
    public static IReadOnlyList<KubeObject> DefaultRolesFor(string? version)
    {
        if (version is null)
        {
            return DefaultRoles.ClusterRoles;
        }

        if (!Rbac.KubernetesVersion.TryParse(version, out var parsed))
        {
            throw new ArgumentException($"'{version}' is not a Kubernetes version (MAJOR.MINOR, for example 1.28)", nameof(version));
        }

        if (parsed.CompareTo(DefaultRoles.OldestVersion) < 0)
        {
            throw new ArgumentException($"the default roles of Kubernetes {parsed} are not known (the oldest is {DefaultRoles.OldestVersion})", nameof(version));
        }

        return DefaultRoles.ClusterRolesFor(parsed);
    }

    public RbacRole? FindRole(RoleKey key) => _roles.GetValueOrDefault(key);

    /// <summary>The role a binding's roleRef resolves to; null when missing or of a kind the binding cannot reference.</summary>
    public RbacRole? ResolveRole(RbacBinding binding)
    {
        if (binding.IsClusterRoleBinding && binding.RoleRef.Kind != RoleKey.ClusterRoleKind)
        {
            return null;
        }

        return binding.RoleRef.Kind is RoleKey.RoleKind or RoleKey.ClusterRoleKind ? FindRole(binding.RoleRef) : null;
    }

    /// <summary>
    /// Whether a binding's subject applies to a user (RBAC.md 1.4): User by name, Group by membership, ServiceAccount
    /// by its user name (namespace defaulting to the RoleBinding's; none in a ClusterRoleBinding matches nobody).
    /// </summary>
    public static bool Applies(RbacBinding binding, RbacSubject subject, UserInfo user) => subject.Kind switch
    {
        RbacSubject.User => user.Name is not null && user.Name == subject.Name,
        RbacSubject.Group => user.Groups.Contains(subject.Name),
        RbacSubject.ServiceAccount => ServiceAccountUser(binding, subject) is { } sa && user.Name == sa,
        _ => false,
    };

    /// <summary>
    /// can-i: whether RBAC allows the request for the user, with every grant that allows it (ClusterRoleBindings first,
    /// then RoleBindings of the request's namespace). system:masters is allowed without any grant, as the API server's
    /// privileged-group authorizer does before RBAC.
    /// </summary>
    public AccessDecision CanI(RequestAttributes request, UserInfo user)
    {
        var grants = new List<Grant>();
        var seen = new HashSet<(RbacBinding, PolicyRule)>(BindingRuleComparer.Instance);
        foreach (var key in SubjectKeys(user))
        {
            if (!_bySubject.TryGetValue(key, out var entries))
            {
                continue;
            }

            foreach (var (binding, subject) in entries)
            {
                if (!InScope(binding, request) || ResolveRole(binding) is not { } role)
                {
                    continue;
                }

                foreach (var rule in role.Rules)
                {
                    if (RuleMatching.Allows(rule, request) && seen.Add((binding, rule)))
                    {
                        grants.Add(new Grant(binding, subject, role, rule));
                    }
                }
            }
        }

        var ordered = Order(grants);
        var privileged = user.Groups.Contains(UserInfo.Masters) ? UserInfo.Masters : null;
        return new AccessDecision(ordered.Count > 0 || privileged is not null, ordered, privileged);
    }

    /// <summary>
    /// who-can, as upstream's subject locator: system:masters apart, then the subjects (as written) of every
    /// ClusterRoleBinding whose role allows the request, then those of RoleBindings in the request's namespace. With
    /// <paramref name="allNamespaces"/>, RoleBindings of every namespace count (a tool-level union, not upstream);
    /// for a known cluster-scoped resource they still cannot grant, except a RoleBinding on its own Namespace object.
    /// </summary>
    public WhoCanResult WhoCan(RequestAttributes request, bool allNamespaces = false)
    {
        var grants = new List<Grant>();
        foreach (var role in CandidateRoles(request, allNamespaces))
        {
            List<PolicyRule>? matching = null;
            foreach (var rule in role.Rules)
            {
                if (RuleMatching.Allows(rule, request))
                {
                    (matching ??= new()).Add(rule);
                }
            }

            if (matching is null || !_byRole.TryGetValue(role.Key, out var bindings))
            {
                continue;
            }

            foreach (var binding in bindings)
            {
                if (!binding.IsClusterRoleBinding && !RoleBindingCounts(binding, request, allNamespaces))
                {
                    continue;
                }

                foreach (var subject in binding.Subjects)
                {
                    foreach (var rule in matching)
                    {
                        grants.Add(new Grant(binding, subject, role, rule));
                    }
                }
            }
        }

        var subjects = Order(grants)
            .GroupBy(g => (g.Subject.Kind, g.Subject.Name, g.Subject.Namespace))
            .Select(g => new SubjectGrants(g.Key.Kind, g.Key.Name, g.Key.Namespace, g.ToList()))
            .OrderBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Namespace ?? string.Empty, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        return new WhoCanResult(subjects, [new ImplicitSubject(RbacSubject.Group, UserInfo.Masters, "members of system:masters bypass RBAC (the API server's privileged-group authorizer allows them first)")]);
    }

    /// <summary>
    /// Rules review (can-i --list): every rule that applies to the user in a namespace, with the grant it comes from:
    /// rules of ClusterRoleBindings, then of RoleBindings in the namespace ("" = cluster-wide: ClusterRoleBindings only).
    /// </summary>
    public IReadOnlyList<Grant> RulesFor(UserInfo user, string @namespace)
    {
        var grants = new List<Grant>();
        var seen = new HashSet<(RbacBinding, PolicyRule)>(BindingRuleComparer.Instance);
        foreach (var key in SubjectKeys(user))
        {
            foreach (var (binding, subject) in _bySubject.GetValueOrDefault(key) ?? [])
            {
                if ((!binding.IsClusterRoleBinding && (@namespace.Length == 0 || binding.Namespace != @namespace)) || ResolveRole(binding) is not { } role)
                {
                    continue;
                }

                foreach (var rule in role.Rules)
                {
                    if (seen.Add((binding, rule)))
                    {
                        grants.Add(new Grant(binding, subject, role, rule));
                    }
                }
            }
        }

        return Order(grants);
    }

    /// <summary>Every distinct subject written in a binding that can apply in a namespace ("" = ClusterRoleBindings only; null = all).</summary>
    public IEnumerable<(RbacBinding Binding, RbacSubject Subject)> SubjectsIn(string? @namespace) =>
        _bindings.Where(b => b.IsClusterRoleBinding || @namespace is null || (@namespace.Length > 0 && b.Namespace == @namespace))
            .SelectMany(b => b.Subjects.Select(s => (b, s)));

    private static bool RoleBindingCounts(RbacBinding binding, RequestAttributes request, bool allNamespaces)
    {
        if (!request.IsResourceRequest)
        {
            return false; // non-resource requests have no namespace: only ClusterRoleBindings grant them
        }

        if (!allNamespaces)
        {
            return request.Namespace.Length > 0 && binding.Namespace == request.Namespace;
        }

        if (KnownResources.IsClusterScoped(request.ApiGroup, request.Resource))
        {
            return request.ApiGroup.Length == 0 && request.Resource == "namespaces" && request.Name == binding.Namespace;
        }

        return true;
    }

    private static bool InScope(RbacBinding binding, RequestAttributes request) =>
        binding.IsClusterRoleBinding || (request.Namespace.Length > 0 && binding.Namespace == request.Namespace);

    private static string? ServiceAccountUser(RbacBinding binding, RbacSubject subject)
    {
        var ns = subject.Namespace ?? binding.Namespace;
        return ns.Length == 0 ? null : UserInfo.ServiceAccountUserName(ns, subject.Name);
    }

    private static IEnumerable<string> SubjectKeys(UserInfo user)
    {
        if (user.Name is not null)
        {
            yield return "u:" + user.Name;
        }

        foreach (var g in user.Groups)
        {
            yield return "g:" + g;
        }
    }

    private static List<Grant> Order(List<Grant> grants) =>
        grants.OrderBy(g => g.Binding.IsClusterRoleBinding ? 0 : 1).ThenBy(g => g.Binding.Order).ToList();

    /// <summary>
    /// The roles whose rules name the request's resource, <c>*</c> or <c>*/sub</c>: ClusterRoles, plus the Roles of the
    /// request's namespace (of every namespace with <paramref name="allNamespaces"/>); roles with non-resource rules
    /// for a non-resource request.
    /// </summary>
    private IEnumerable<RbacRole> CandidateRoles(RequestAttributes request, bool allNamespaces)
    {
        if (!request.IsResourceRequest)
        {
            return _nonResourceRoles;
        }

        var result = new HashSet<RbacRole>(ReferenceEqualityComparer.Instance);
        var keys = request.Subresource.Length == 0
            ? new[] { RuleMatching.All, request.Resource }
            : [RuleMatching.All, request.CombinedResource, "*/" + request.Subresource];
        foreach (var key in keys)
        {
            Add(ClusterKey(key));
            if (allNamespaces)
            {
                Add(AnyRoleKey(key));
            }
            else if (request.Namespace.Length > 0)
            {
                Add(RoleKeyIn(request.Namespace, key));
            }
        }

        return result.Cast<RbacRole>();

        void Add(string key)
        {
            if (_rolesByResource.TryGetValue(key, out var roles))
            {
                result.UnionWith(roles);
            }
        }
    }

    private static string ClusterKey(string resource) => "c\0" + resource;

    private static string AnyRoleKey(string resource) => "a\0" + resource;

    private static string RoleKeyIn(string @namespace, string resource) => "r\0" + @namespace + "\0" + resource;

    private void Load(IEnumerable<KubeObject> objects, IReadOnlyList<KubeObject> defaults)
    {
        var roles = new List<RbacRole>();
        var order = 0;
        foreach (var obj in objects)
        {
            if (!RbacReader.IsRbacObject(obj))
            {
                continue;
            }

            if (obj.Kind is RoleKey.RoleKind or RoleKey.ClusterRoleKind)
            {
                var role = RbacReader.ReadRole(obj, Options.DefaultNamespace, isDefault: false, _problems);
                if (!_roles.TryAdd(role.Key, role))
                {
                    _problems.Add(new RbacProblem("duplicate-object", $"{role.Key} is defined more than once; the first definition is used", obj, string.Empty));
                    continue;
                }

                roles.Add(role);
            }
            else
            {
                _bindings.Add(RbacReader.ReadBinding(obj, Options.DefaultNamespace, order++, _problems));
            }
        }

        if (defaults.Count > 0)
        {
            var ignored = new List<RbacProblem>();
            foreach (var obj in defaults)
            {
                var role = RbacReader.ReadRole(obj, Options.DefaultNamespace, isDefault: true, ignored);
                if (_roles.TryAdd(role.Key, role))
                {
                    roles.Add(role);
                }
            }
        }

        Roles = roles;
        Aggregate(roles);
        IndexBindings();
        IndexRoles(roles);
    }

    /// <summary>
    /// ClusterRole aggregation (RBAC.md 1.6): an aggregated role's rules are the union of the rules of every other
    /// ClusterRole its selectors match (selectors ORed, roles in name order, exact duplicates dropped); written rules
    /// are discarded. Aggregated roles feed each other, so this iterates from empty sets to the fixpoint (rules only
    /// grow, so it ends). A role with an invalid selector keeps its written rules, as the controller fails to sync it.
    /// </summary>
    private void Aggregate(List<RbacRole> roles)
    {
        var clusterRoles = roles.Where(r => r.Kind == RoleKey.ClusterRoleKind).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var plans = new List<(RbacRole Role, List<RbacRole> Sources)>();
        foreach (var role in clusterRoles.Where(r => r.IsAggregated))
        {
            if (role.AggregationSelectors!.FirstOrDefault(s => s.Error is not null) is { } invalid)
            {
                _problems.Add(new RbacProblem("invalid-aggregation", $"{role.Key}: invalid clusterRoleSelector ({invalid.Error}); the aggregation controller cannot sync it and its rules stay as written", role.Source, "/aggregationRule"));
                continue;
            }

            var sources = new List<RbacRole>();
            foreach (var selector in role.AggregationSelectors!)
            {
                sources.AddRange(clusterRoles.Where(c => !ReferenceEquals(c, role) && selector.Matches(c.Labels)));
            }

            plans.Add((role, sources));
            role.Rules = [];
        }

        for (var pass = 0; pass <= plans.Count + 1; pass++)
        {
            var changed = false;
            foreach (var (role, sources) in plans)
            {
                var set = new HashSet<PolicyRule>();
                var rules = new List<PolicyRule>();
                foreach (var source in sources)
                {
                    foreach (var rule in source.Rules)
                    {
                        if (set.Add(rule))
                        {
                            rules.Add(rule);
                        }
                    }
                }

                changed |= rules.Count != role.Rules.Count;
                role.Rules = rules;
            }

            if (!changed)
            {
                break;
            }
        }
    }

    private void IndexBindings()
    {
        foreach (var binding in _bindings)
        {
            if (binding.RoleRef.Kind is RoleKey.RoleKind or RoleKey.ClusterRoleKind && !(binding.IsClusterRoleBinding && binding.RoleRef.Kind == RoleKey.RoleKind))
            {
                if (!_byRole.TryGetValue(binding.RoleRef, out var list))
                {
                    _byRole[binding.RoleRef] = list = new();
                }

                list.Add(binding);
                if (!_roles.ContainsKey(binding.RoleRef))
                {
                    _problems.Add(new RbacProblem("dangling-roleref",
                        $"{binding} references {binding.RoleRef}, which does not exist: it grants nothing now, and starts granting if that role is created",
                        binding.Source, "/roleRef/name"));
                }
            }

            foreach (var subject in binding.Subjects)
            {
                var key = subject.Kind switch
                {
                    RbacSubject.User => "u:" + subject.Name,
                    RbacSubject.Group => "g:" + subject.Name,
                    RbacSubject.ServiceAccount when ServiceAccountUser(binding, subject) is { } user => "u:" + user,
                    _ => null,
                };
                if (key is null)
                {
                    continue;
                }

                if (!_bySubject.TryGetValue(key, out var entries))
                {
                    _bySubject[key] = entries = new();
                }

                entries.Add((binding, subject));
            }
        }
    }

    private void IndexRoles(List<RbacRole> roles)
    {
        foreach (var role in roles)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var nonResource = false;
            foreach (var rule in role.Rules)
            {
                keys.UnionWith(rule.Resources);
                nonResource |= rule.NonResourceUrls.Count > 0;
            }

            foreach (var key in keys)
            {
                if (role.Kind == RoleKey.ClusterRoleKind)
                {
                    AddIndex(ClusterKey(key), role);
                }
                else
                {
                    AddIndex(AnyRoleKey(key), role);
                    AddIndex(RoleKeyIn(role.Namespace, key), role);
                }
            }

            if (nonResource)
            {
                _nonResourceRoles.Add(role);
            }
        }
    }

    private void AddIndex(string key, RbacRole role)
    {
        if (!_rolesByResource.TryGetValue(key, out var list))
        {
            _rolesByResource[key] = list = new();
        }

        list.Add(role);
    }

    private sealed class BindingRuleComparer : IEqualityComparer<(RbacBinding Binding, PolicyRule Rule)>
    {
        public static readonly BindingRuleComparer Instance = new();

        public bool Equals((RbacBinding Binding, PolicyRule Rule) x, (RbacBinding Binding, PolicyRule Rule) y) =>
            ReferenceEquals(x.Binding, y.Binding) && ReferenceEquals(x.Rule, y.Rule);

        public int GetHashCode((RbacBinding Binding, PolicyRule Rule) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Binding), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Rule));
    }
}
