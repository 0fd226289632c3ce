using Bulwark.Model;
using Bulwark.PodSecurity;

namespace Bulwark.Rbac.Paths;

/// <summary>
/// The identity graph of RBAC.md section 3, restricted to the edges decidable from manifests: nodes are the users,
/// groups and service accounts of the input (binding subjects, ServiceAccount objects, the accounts pods run as),
/// system:masters and the target (cluster-admin-equivalent power); an edge means "can obtain the permissions of".
/// Every edge is decided by can-i queries against the <see cref="RbacModel"/>, so it follows the authorizer's exact
/// semantics (wildcards, subresources, resourceNames, aggregation, implicit groups).
/// </summary>
public sealed class EscalationGraph
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private const string Certificates = "certificates.k8s.io";
    private const string Admission = "admissionregistration.k8s.io";

    private static readonly (string Group, string Resource, string[] Verbs)[] Workloads =
    [
        (string.Empty, "pods", ["create"]),
        ("apps", "deployments", ["create", "update", "patch"]),
        ("apps", "daemonsets", ["create", "update", "patch"]),
        ("apps", "statefulsets", ["create", "update", "patch"]),
        ("apps", "replicasets", ["create", "update", "patch"]),
        (string.Empty, "replicationcontrollers", ["create", "update", "patch"]),
        ("batch", "jobs", ["create", "update", "patch"]),
        ("batch", "cronjobs", ["create", "update", "patch"]),
    ];

    private readonly RbacModel _model;
    private readonly PathOptions _options;
    private readonly SortedDictionary<string, SortedSet<string>> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _podAccounts = new(StringComparer.Ordinal);
    private readonly HashSet<(string Namespace, string Account)> _tokenSecrets = new();
    private readonly HashSet<string> _tokenSecretNamespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RbacBinding>> _bindingsBySubject = new(StringComparer.Ordinal);
    private readonly List<RbacRole> _adminClusterRoles;
    private readonly List<RbacRole> _podCreatorClusterRoles;
    private readonly Dictionary<string, List<RbacRole>> _podCreatorRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubeObject> _namespaceObjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _nodeEscapes = new(StringComparer.Ordinal);
    private (string Namespace, string Condition)? _firstNodeEscape;
    private bool _firstNodeEscapeKnown;
    private readonly Dictionary<Identity, IReadOnlyList<EscalationEdge>> _edges = new();
    private readonly SortedSet<Identity> _nodes = new();

    private EscalationGraph(RbacModel model, IEnumerable<KubeObject> objects, PathOptions options)
    {
        _model = model;
        _options = options;
        foreach (var binding in model.Bindings)
        {
            foreach (var subject in binding.Subjects)
            {
                if (NodeOf(binding, subject) is not { } node)
                {
                    continue;
                }

                AddNode(node);
                var key = node.Kind == RbacSubject.Group ? "g:" + node.Name : "u:" + node.ToUserInfo().Name;
                if (!_bindingsBySubject.TryGetValue(key, out var list))
                {
                    _bindingsBySubject[key] = list = new();
                }

                list.Add(binding);
            }
        }

        foreach (var obj in objects)
        {
            ReadObject(obj);
        }

        AddNode(Identity.Masters);
        AddNode(Identity.AnyNode);
        _adminClusterRoles = model.Roles.Where(r => r.Kind == RoleKey.ClusterRoleKind && r.Rules.Any(IsAdminRule)).ToList();
        _podCreatorClusterRoles = model.Roles.Where(r => r.Kind == RoleKey.ClusterRoleKind && r.Rules.Any(CreatesPods)).ToList();
        foreach (var role in model.Roles.Where(r => r.Kind == RoleKey.RoleKind && r.Rules.Any(CreatesPods)))
        {
            if (!_podCreatorRoles.TryGetValue(role.Namespace, out var list))
            {
                _podCreatorRoles[role.Namespace] = list = new();
            }

            list.Add(role);
        }
    }

    /// <summary>Every node (users, groups, service accounts, system:masters), in kind, namespace, name order.</summary>
    public IReadOnlyCollection<Identity> Nodes => _nodes;

    public RbacModel Model => _model;

    public PathOptions Options => _options;

    public static EscalationGraph Build(RbacModel model, IEnumerable<KubeObject> objects, PathOptions? options = null) =>
        new(model, objects, options ?? new PathOptions());

    /// <summary>Adds a node that the input does not mention (a --from subject with no binding of its own).</summary>
    public void AddNode(Identity node)
    {
        if (node.IsTarget || !_nodes.Add(node))
        {
            return;
        }

        if (node.Kind == RbacSubject.ServiceAccount)
        {
            AccountsIn(node.Namespace!).Add(node.Name);
        }
    }

    /// <summary>
    /// A rule that makes its holder cluster-admin-equivalent when bound cluster-wide: <c>*</c> verbs, <c>*</c>
    /// resources and <c>*</c> API groups, without resourceNames.
    /// </summary>
    public static bool IsAdminRule(PolicyRule rule) =>
        rule.ResourceNames.Count == 0 && rule.Verbs.Contains(RuleMatching.All) && rule.Resources.Contains(RuleMatching.All) &&
        rule.ApiGroups.Contains(RuleMatching.All);

    /// <summary>
    /// The edges leaving a node (memoised). A cluster-admin-equivalent node (or system:masters) has a single edge to
    /// the target unless <paramref name="full"/>: paths stop there.
    /// </summary>
    public IReadOnlyList<EscalationEdge> EdgesFrom(Identity node, bool full = false)
    {
        if (!full && _edges.TryGetValue(node, out var cached))
        {
            return cached;
        }

        var edges = Compute(node, full);
        if (!full)
        {
            _edges[node] = edges;
        }

        return edges;
    }

    private List<EscalationEdge> Compute(Identity node, bool full)
    {
        var edges = new List<EscalationEdge>();
        if (node.IsTarget)
        {
            return edges;
        }

        if (node == Identity.Masters)
        {
            edges.Add(new EscalationEdge(node, Identity.ClusterAdmin, "cluster-admin-equivalent", string.Empty, [], PrivilegedGroup: UserInfo.Masters));
            return edges;
        }

        if (node.Kind == Identity.NodeKind)
        {
            new Context(this, node, node.ToUserInfo(), new(StringComparer.Ordinal), new Capabilities([]), edges).NodeRoot();
            return edges;
        }

        var user = node.ToUserInfo();
        var clusterGrants = _model.RulesFor(user, string.Empty);
        if (clusterGrants.FirstOrDefault(g => IsAdminRule(g.Rule)) is { } admin)
        {
            edges.Add(new EscalationEdge(node, Identity.ClusterAdmin, "cluster-admin-equivalent", string.Empty, [admin]));
            if (!full)
            {
                return edges;
            }
        }

        var namespaces = RoleBindingNamespaces(user);
        var caps = new Capabilities(clusterGrants.Concat(namespaces.SelectMany(ns => _model.RulesFor(user, ns))));
        var ctx = new Context(this, node, user, namespaces, caps, edges);
        ctx.Impersonate();
        ctx.WorkloadCreate();
        ctx.TokenRequest();
        ctx.Secrets();
        ctx.Exec();
        ctx.NodesProxy();
        ctx.NodeIdentity();
        ctx.Bind();
        ctx.Escalate();
        ctx.CsrApprove();
        ctx.WebhookWrite();
        ctx.NodeWrite();
        ctx.AwsAuth();
        return edges;
    }

    private SortedSet<string> AccountsIn(string @namespace)
    {
        if (!_accounts.TryGetValue(@namespace, out var set))
        {
            _accounts[@namespace] = set = new(StringComparer.Ordinal);
        }

        return set;
    }

    private static Identity? NodeOf(RbacBinding binding, RbacSubject subject) => subject.Kind switch
    {
        RbacSubject.User when subject.Name.Length > 0 => Identity.User(subject.Name),
        RbacSubject.Group when subject.Name.Length > 0 => Identity.Group(subject.Name),
        RbacSubject.ServiceAccount when (subject.Namespace ?? binding.Namespace) is { Length: > 0 } ns && subject.Name.Length > 0 =>
            Identity.ServiceAccount(ns, subject.Name),
        _ => null,
    };

    private void ReadObject(KubeObject obj)
    {
        if (obj.Group.Length == 0 && obj.Kind == "Namespace" && obj.Name.Length > 0)
        {
            _namespaceObjects[obj.Name] = obj;
            return;
        }

        if (obj.Group.Length == 0 && obj.Kind == "ServiceAccount" && obj.Namespace is { Length: > 0 } saNs)
        {
            AddNode(Identity.ServiceAccount(saNs, obj.Name));
            return;
        }

        if (obj.Group.Length == 0 && obj.Kind == "Secret" && obj.Namespace is { Length: > 0 } secretNs)
        {
            if (obj.Root.GetString("type") == "kubernetes.io/service-account-token" &&
                obj.Annotations?.GetString("kubernetes.io/service-account.name") is { Length: > 0 } account)
            {
                _tokenSecrets.Add((secretNs, account));
                _tokenSecretNamespaces.Add(secretNs);
                AddNode(Identity.ServiceAccount(secretNs, account));
            }

            return;
        }

        if (obj.Namespace is not { Length: > 0 } podNs || PodTemplateLocator.Locate(obj) is not { } where || obj.Root.At(where.Spec) is not MappingNode spec)
        {
            return;
        }

        // The account a pod runs as: serviceAccountName, else the deprecated serviceAccount, else "default".
        var name = spec.GetString("serviceAccountName") is { Length: > 0 } n ? n : spec.GetString("serviceAccount") is { Length: > 0 } d ? d : "default";
        AddNode(Identity.ServiceAccount(podNs, name));
        if (!_podAccounts.TryGetValue(podNs, out var set))
        {
            _podAccounts[podNs] = set = new(StringComparer.Ordinal);
        }

        set.Add(name);
    }

    /// <summary>
    /// Why creating a pod in <paramref name="ns"/> reaches its node (edge 2's conditional half), or null when Pod
    /// Security Admission stops it: a privileged container or a hostPath volume needs the enforce level privileged
    /// (baseline forbids both), or a namespace exempt from admission. An invalid enforce label counts as restricted,
    /// as the API server reads it; a namespace with no Namespace object in the input gets the configured default.
    /// </summary>
    public string? NodeEscapeCondition(string ns)
    {
        if (!_nodeEscapes.TryGetValue(ns, out var why))
        {
            _nodeEscapes[ns] = why = ComputeNodeEscape(ns);
        }

        return why;
    }

    /// <summary>The first namespace the input knows of where a pod reaches its node, with why; null when there is none.</summary>
    private (string Namespace, string Condition)? FirstNodeEscape()
    {
        if (!_firstNodeEscapeKnown)
        {
            _firstNodeEscape = KnownNamespaces().Select(ns => (ns, why: NodeEscapeCondition(ns))).Where(e => e.why is not null)
                .Select(e => ((string, string)?)(e.ns, e.why!)).FirstOrDefault();
            _firstNodeEscapeKnown = true;
        }

        return _firstNodeEscape;
    }

    private string? ComputeNodeEscape(string ns)
    {
        const string Reach = "a privileged or hostPath pod there gets root on its node";
        if (_options.PodSecurity.Exemptions.IsExemptNamespace(ns))
        {
            return $"namespace {ns} is exempt from Pod Security Admission: {Reach}";
        }

        var obj = _namespaceObjects.GetValueOrDefault(ns);
        if (NamespacePolicy.Resolve(obj, _options.PodSecurity.Defaults).Enforce.Level != PodSecurityLevel.Privileged)
        {
            return null;
        }

        var why = obj is null ? "no Namespace object in the input, so the admission default (privileged) applies"
            : NamespacePolicy.Labels(obj).ContainsKey(NamespacePolicy.EnforceLabel) ? "its enforce level is privileged"
            : "it has no enforce label, so the admission default (privileged) applies";
        return $"pod security in namespace {ns} allows privileged pods ({why}): {Reach}";
    }

    /// <summary>The namespaces the input knows of (Namespace objects, accounts, privileged namespaces), in order.</summary>
    private IEnumerable<string> KnownNamespaces() =>
        _namespaceObjects.Keys.Concat(_accounts.Keys).Concat(_options.PrivilegedNamespaces).Distinct().Order(StringComparer.Ordinal);

    /// <summary>The namespaces where a RoleBinding names the user, one of its groups, or its service account.</summary>
    private SortedSet<string> RoleBindingNamespaces(UserInfo user)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in (user.Name is null ? [] : new[] { "u:" + user.Name }).Concat(user.Groups.Select(g => "g:" + g)))
        {
            foreach (var binding in _bindingsBySubject.GetValueOrDefault(key) ?? [])
            {
                if (!binding.IsClusterRoleBinding)
                {
                    result.Add(binding.Namespace);
                }
            }
        }

        return result;
    }

    /// <summary>Whether a pod (or workload) of the input runs as the account.</summary>
    public bool RunsPods(Identity account) =>
        account.Namespace is { } ns && _podAccounts.TryGetValue(ns, out var set) && set.Contains(account.Name);

    private IEnumerable<RbacBinding> BindingsOf(UserInfo user) =>
        (user.Name is null ? [] : new[] { "u:" + user.Name }).Concat(user.Groups.Select(g => "g:" + g))
            .SelectMany(k => _bindingsBySubject.GetValueOrDefault(k) ?? []).Distinct();

    private static bool CreatesPods(PolicyRule rule) =>
        RuleMatching.Allows(rule, RequestAttributes.ForResource("create", string.Empty, "pods", @namespace: "x"));

    /// <summary>The verbs and resources a node's rules mention: a cheap filter before can-i queries.</summary>
    private sealed class Capabilities
    {
        private readonly HashSet<string> _verbs = new(StringComparer.Ordinal);
        private readonly HashSet<string> _resources = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _names = new(StringComparer.Ordinal);

        public Capabilities(IEnumerable<Grant> grants)
        {
            foreach (var grant in grants)
            {
                _verbs.UnionWith(grant.Rule.Verbs);
                _resources.UnionWith(grant.Rule.Resources);
                foreach (var verb in grant.Rule.ResourceNames.Count == 0 ? [] : grant.Rule.Verbs)
                {
                    if (!_names.TryGetValue(verb, out var set))
                    {
                        _names[verb] = set = new(StringComparer.Ordinal);
                    }

                    set.UnionWith(grant.Rule.ResourceNames);
                }
            }
        }

        /// <summary>
        /// The resourceNames of the rules that grant a verb (with those of <c>*</c> rules): the only names a node whose
        /// rules for that verb all list names may act on.
        /// </summary>
        public IReadOnlySet<string> NamesFor(string verb)
        {
            var result = new HashSet<string>(_names.GetValueOrDefault(verb) ?? [], StringComparer.Ordinal);
            result.UnionWith(_names.GetValueOrDefault(RuleMatching.All) ?? []);
            return result;
        }

        public bool Maybe(string verb, string resource, string subresource = "") =>
            (_verbs.Contains(verb) || _verbs.Contains(RuleMatching.All)) &&
            (_resources.Contains(RuleMatching.All) || (subresource.Length == 0
                ? _resources.Contains(resource)
                : _resources.Contains(resource + "/" + subresource) || _resources.Contains("*/" + subresource)));
    }

    /// <summary>The edge computations for one node.</summary>
    private sealed class Context(EscalationGraph graph, Identity node, UserInfo user, SortedSet<string> namespaces, Capabilities caps, List<EscalationEdge> edges)
    {
        private const string NodeUserPrefix = "system:node:";
        private const string AwsAuthName = "aws-auth";
        private static readonly string[] NodeProxyVerbs = ["get", "create", "update", "patch", "delete"];

        private const string LegacyTokenCondition =
            "needs a legacy service-account-token Secret for the account (auto-created before Kubernetes 1.24, or created by hand)";

        public void Impersonate()
        {
            if (caps.Maybe("impersonate", "groups"))
            {
                foreach (var (group, grant) in Named("impersonate", "groups", string.Empty, graph._nodes.Where(n => n.Kind == RbacSubject.Group).Select(n => n.Name)))
                {
                    Add(Identity.Group(group), "impersonate", string.Empty, [grant]);
                }
            }

            if (caps.Maybe("impersonate", "users"))
            {
                foreach (var (target, grant) in Named("impersonate", "users", string.Empty, graph._nodes.Where(n => n.Kind == RbacSubject.User).Select(n => n.Name)))
                {
                    Add(Identity.User(target), "impersonate", string.Empty, [grant]);
                }
            }

            if (caps.Maybe("impersonate", "serviceaccounts"))
            {
                if (Allowed("impersonate", string.Empty, "serviceaccounts") is { } everywhere)
                {
                    AddEverywhere("impersonate", "impersonate", [everywhere]);
                    return;
                }

                foreach (var ns in Scopes("impersonate", string.Empty, "serviceaccounts"))
                {
                    if (Allowed("impersonate", string.Empty, "serviceaccounts", ns: ns) is { } any)
                    {
                        AddAll(ns, "impersonate", [any]);
                        continue;
                    }

                    foreach (var (account, grant) in Named("impersonate", "serviceaccounts", ns, graph.AccountsIn(ns).ToList()))
                    {
                        Add(Identity.ServiceAccount(ns, account), "impersonate", ns, [grant]);
                    }
                }
            }
        }

        /// <summary>
        /// The names among <paramref name="candidates"/> the node may act on: all of them when a rule without
        /// resourceNames allows it, else only those its rules name (each confirmed by a can-i query).
        /// </summary>
        private IEnumerable<(string Name, Grant Grant)> Named(string verb, string resource, string ns, IEnumerable<string> candidates, string subresource = "")
        {
            var any = Allowed(verb, string.Empty, resource, subresource, ns);
            var names = caps.NamesFor(verb);
            foreach (var name in candidates.ToList())
            {
                if (any is not null)
                {
                    yield return (name, any);
                }
                else if (names.Contains(name) && Allowed(verb, string.Empty, resource, subresource, ns, name) is { } grant)
                {
                    yield return (name, grant);
                }
            }
        }

        public void WorkloadCreate()
        {
            var cluster = FirstWorkloadGrant(string.Empty);
            if (cluster is not null)
            {
                AddEverywhere("workload-create", "workload-create-kube-system", [cluster]);
                if (graph.FirstNodeEscape() is { } escape)
                {
                    Add(Identity.AnyNode, RiskIn(escape.Namespace), escape.Namespace, [cluster], escape.Condition);
                }

                return;
            }

            var escaped = false;
            foreach (var ns in namespaces)
            {
                if (FirstWorkloadGrant(ns) is not { } grant)
                {
                    continue;
                }

                if (graph._accounts.ContainsKey(ns))
                {
                    AddAll(ns, RiskIn(ns), [grant]);
                }

                // Edge 2's conditional half, drawn once (from the first namespace where pod security allows it).
                if (!escaped && graph.NodeEscapeCondition(ns) is { } why)
                {
                    Add(Identity.AnyNode, RiskIn(ns), ns, [grant], why);
                    escaped = true;
                }
            }
        }

        private string RiskIn(string ns) => graph._options.PrivilegedNamespaces.Contains(ns) ? "workload-create-kube-system" : "workload-create";

        /// <summary>
        /// Root on a node (after a privileged pod): the kubelet's credentials and every token mounted into pods on that
        /// node, so every account pods of the input run as, conditionally on where they are scheduled.
        /// </summary>
        public void NodeRoot() =>
            AddPodAccountsEverywhere("node-identity", null, "needs a pod of the account scheduled on the node the privileged pod lands on");

        public void TokenRequest()
        {
            if (!caps.Maybe("create", "serviceaccounts", "token"))
            {
                return;
            }

            if (Allowed("create", string.Empty, "serviceaccounts", "token") is { } everywhere)
            {
                AddEverywhere("token-request", "token-request", [everywhere]);
                return;
            }

            foreach (var ns in Scopes("create", string.Empty, "serviceaccounts", "token"))
            {
                if (Allowed("create", string.Empty, "serviceaccounts", "token", ns) is { } any)
                {
                    AddAll(ns, "token-request", [any]);
                    continue;
                }

                foreach (var (account, grant) in Named("create", "serviceaccounts", ns, graph.AccountsIn(ns).ToList(), "token"))
                {
                    Add(Identity.ServiceAccount(ns, account), "token-request", ns, [grant]);
                }
            }
        }

        public void Secrets()
        {
            if (!caps.Maybe("get", "secrets") && !caps.Maybe("list", "secrets"))
            {
                return;
            }

            // A cluster-wide grant: hub edges, plus unconditional edges to the accounts with a token Secret in the input
            // (path search tries an account's own edges before its hubs).
            var clusterRead = Allowed("get", string.Empty, "secrets") ?? Allowed("list", string.Empty, "secrets");
            if (clusterRead is not null)
            {
                if (caps.Maybe("create", "secrets") && Allowed("create", string.Empty, "secrets") is { } clusterCreate)
                {
                    AddEverywhere("token-secret-write", "token-secret-write", [clusterCreate, clusterRead]);
                    return;
                }

                AddEverywhere("secrets-read-cluster", "secrets-read-cluster", [clusterRead], LegacyTokenCondition);
                foreach (var (ns, account) in graph._tokenSecrets.Order())
                {
                    Add(Identity.ServiceAccount(ns, account), "secrets-read-cluster", ns, [clusterRead]);
                }

                // Creating secrets only in some namespaces still yields unconditional tokens there.
                foreach (var ns in caps.Maybe("create", "secrets") ? namespaces.Where(graph._accounts.ContainsKey).ToList() : [])
                {
                    if (Allowed("create", string.Empty, "secrets", ns: ns) is { } create)
                    {
                        AddAll(ns, "token-secret-write", [create, clusterRead]);
                    }
                }

                return;
            }

            foreach (var ns in Scopes("get", string.Empty, "secrets").Union(Scopes("list", string.Empty, "secrets")).Order(StringComparer.Ordinal))
            {
                var read = Allowed("get", string.Empty, "secrets", ns: ns) ?? Allowed("list", string.Empty, "secrets", ns: ns);
                if (read is null)
                {
                    continue;
                }

                var create = caps.Maybe("create", "secrets") ? Allowed("create", string.Empty, "secrets", ns: ns) : null;
                if (create is not null)
                {
                    AddAll(ns, "token-secret-write", [create, read]);
                    continue;
                }

                var risk = read.Binding.IsClusterRoleBinding ? "secrets-read-cluster"
                    : graph._options.PrivilegedNamespaces.Contains(ns) ? "secrets-read-kube-system" : "secrets-read";
                if (!graph._tokenSecretNamespaces.Contains(ns))
                {
                    AddAll(ns, risk, [read], LegacyTokenCondition);
                    continue;
                }

                foreach (var account in graph.AccountsIn(ns).ToList())
                {
                    Add(Identity.ServiceAccount(ns, account), risk, ns, [read], graph._tokenSecrets.Contains((ns, account)) ? null : LegacyTokenCondition);
                }
            }
        }

        public void Exec()
        {
            const string Condition = "needs a running pod of the account in the namespace";
            if (ExecGrant(string.Empty) is { } everywhere)
            {
                Add(Identity.PodAccountsOf(Identity.AllNamespaces), "pods-exec", string.Empty, [everywhere], Condition);
                foreach (var ns in graph._options.PrivilegedNamespaces.Where(graph._podAccounts.ContainsKey).Order(StringComparer.Ordinal))
                {
                    Add(Identity.PodAccountsOf(ns), "pods-exec", ns, [everywhere], Condition);
                }

                return;
            }

            foreach (var ns in namespaces.Where(graph._podAccounts.ContainsKey).ToList())
            {
                if (ExecGrant(ns) is { } grant)
                {
                    Add(Identity.PodAccountsOf(ns), "pods-exec", ns, [grant], Condition);
                }
            }
        }

        /// <summary>
        /// The grant of bind on one of <paramref name="roles"/> in the scope: without resourceNames any role will do;
        /// otherwise only the names the node's bind rules list are tried.
        /// </summary>
        private Grant? BindGrant(string ns, string resource, IReadOnlyList<RbacRole> roles)
        {
            if (roles.Count == 0)
            {
                return null;
            }

            if (Allowed("bind", Rbac, resource, ns: ns) is not null)
            {
                return Allowed("bind", Rbac, resource, ns: ns, name: roles[0].Name);
            }

            foreach (var role in roles)
            {
                if (caps.NamesFor("bind").Contains(role.Name) && Allowed("bind", Rbac, resource, ns: ns, name: role.Name) is { } grant)
                {
                    return grant;
                }
            }

            return null;
        }

        private Grant? ExecGrant(string ns) =>
            (caps.Maybe("create", "pods", "exec") ? Allowed("create", string.Empty, "pods", "exec", ns) : null)
            ?? (caps.Maybe("create", "pods", "attach") ? Allowed("create", string.Empty, "pods", "attach", ns) : null)
            ?? (caps.Maybe("patch", "pods", "ephemeralcontainers") ? Allowed("patch", string.Empty, "pods", "ephemeralcontainers", ns) : null)
            ?? (caps.Maybe("update", "pods", "ephemeralcontainers") ? Allowed("update", string.Empty, "pods", "ephemeralcontainers", ns) : null);


        public void Bind()
        {
            if (!caps.Maybe("bind", "clusterroles") && !caps.Maybe("bind", "roles"))
            {
                return;
            }

            // Cluster-wide: bind a cluster-admin-equivalent ClusterRole with a ClusterRoleBinding.
            if (Allowed("create", Rbac, "clusterrolebindings") is { } createCrb && BindGrant(string.Empty, "clusterroles", graph._adminClusterRoles) is { } bindAdmin)
            {
                Add(Identity.ClusterAdmin, "bind", string.Empty, [bindAdmin, createCrb]);
            }

            // In a namespace: bind a role that may create pods there with a RoleBinding, then take the namespace's accounts.
            var clusterRb = Allowed("create", Rbac, "rolebindings");
            if (clusterRb is not null && BindGrant(string.Empty, "clusterroles", graph._podCreatorClusterRoles) is { } clusterBind)
            {
                AddEverywhere("bind", "bind", [clusterBind, clusterRb]);
                return;
            }

            foreach (var ns in (clusterRb is not null ? graph._accounts.Keys : namespaces.Where(graph._accounts.ContainsKey)).ToList())
            {
                if (Allowed("create", Rbac, "rolebindings", ns: ns) is not { } createRb)
                {
                    continue;
                }

                var bind = BindGrant(ns, "clusterroles", graph._podCreatorClusterRoles)
                    ?? BindGrant(ns, "roles", graph._podCreatorRoles.GetValueOrDefault(ns) ?? []);
                if (bind is not null)
                {
                    AddAll(ns, "bind", [bind, createRb]);
                }
            }
        }

        public void Escalate()
        {
            if (!caps.Maybe("escalate", "clusterroles") && !caps.Maybe("escalate", "roles"))
            {
                return;
            }

            // escalate + update on a role the node is bound to: it can write any rule into it (RBAC.md 1.8). Aggregated
            // ClusterRoles are skipped: the controller overwrites their rules.
            foreach (var binding in graph.BindingsOf(user).OrderBy(b => b.Order))
            {
                if (graph._model.ResolveRole(binding) is not { IsAggregated: false } role)
                {
                    continue;
                }

                var resource = role.Kind == RoleKey.ClusterRoleKind ? "clusterroles" : "roles";
                var ns = role.Namespace;
                if (Allowed("escalate", Rbac, resource, ns: ns, name: role.Name) is not { } escalate ||
                    (Allowed("update", Rbac, resource, ns: ns, name: role.Name) ?? Allowed("patch", Rbac, resource, ns: ns, name: role.Name)) is not { } update)
                {
                    continue;
                }

                if (binding.IsClusterRoleBinding)
                {
                    Add(Identity.ClusterAdmin, "escalate", string.Empty, [escalate, update]);
                    return;
                }

                AddAll(binding.Namespace, "escalate", [escalate, update]);
            }
        }

        public void CsrApprove()
        {
            if (!caps.Maybe("approve", "signers") || !caps.Maybe("update", "certificatesigningrequests", "approval"))
            {
                return;
            }

            // Approving needs update on the approval subresource and approve on the signer (by name or the domain wildcard).
            if (Allowed("create", Certificates, "certificatesigningrequests") is { } create &&
                Allowed("update", Certificates, "certificatesigningrequests", "approval") is { } approval &&
                (Allowed("approve", Certificates, "signers", name: "kubernetes.io/kube-apiserver-client") ??
                 Allowed("approve", Certificates, "signers", name: "kubernetes.io/*")) is { } signer)
            {
                Add(Identity.Masters, "csr-approve", string.Empty, [signer, approval, create],
                    "the kube-apiserver-client signer must be running (it is, in kube-controller-manager, unless disabled)");
            }
        }

        public void WebhookWrite()
        {
            var grant = (caps.Maybe("create", "mutatingwebhookconfigurations") ? Allowed("create", Admission, "mutatingwebhookconfigurations") : null)
                ?? (caps.Maybe("update", "mutatingwebhookconfigurations") ? Allowed("update", Admission, "mutatingwebhookconfigurations") : null)
                ?? (caps.Maybe("patch", "mutatingwebhookconfigurations") ? Allowed("patch", Admission, "mutatingwebhookconfigurations") : null);
            if (grant is null)
            {
                return;
            }

            AddEverywhere("webhook-write", "webhook-write", [grant], "needs a webhook server the subject controls; applies to pods created afterwards");
        }

        /// <summary>
        /// Edge 6: any verb on nodes/proxy reaches the kubelet API of every node, which runs commands in any pod
        /// (websocket exec needs only get): every account pods of the input run as.
        /// </summary>
        public void NodesProxy()
        {
            if (!NodeProxyVerbs.Any(v => caps.Maybe(v, "nodes", "proxy")) ||
                NodeProxyVerbs.Select(v => caps.Maybe(v, "nodes", "proxy") ? Allowed(v, string.Empty, "nodes", "proxy") : null).FirstOrDefault(g => g is not null) is not { } grant)
            {
                return;
            }

            AddPodAccountsEverywhere("nodes-proxy", grant, "needs a running pod of the account; commands run through the kubelet API of its node");
        }

        /// <summary>
        /// Edge 6, second half: a node identity (user system:node:NAME named by a binding) holds the tokens of the pods
        /// its kubelet runs. Without scheduling data every pod account is a candidate, conditionally.
        /// </summary>
        public void NodeIdentity()
        {
            if (node.Kind != RbacSubject.User || !node.Name.StartsWith(NodeUserPrefix, StringComparison.Ordinal) || node.Name.Length == NodeUserPrefix.Length)
            {
                return;
            }

            AddPodAccountsEverywhere("node-identity", null, $"needs a pod of the account scheduled on node {node.Name[NodeUserPrefix.Length..]}");
        }

        /// <summary>
        /// Edge 10 (steal pods): update or patch on nodes (taint or relabel the other nodes) together with deleting or
        /// evicting pods of a namespace moves those pods onto a node the subject controls: their accounts, conditionally.
        /// </summary>
        public void NodeWrite()
        {
            if (!caps.Maybe("update", "nodes") && !caps.Maybe("patch", "nodes"))
            {
                return;
            }

            if ((Allowed("update", string.Empty, "nodes") ?? Allowed("patch", string.Empty, "nodes")) is not { } nodes)
            {
                return;
            }

            const string Condition = "needs a node the subject controls to receive the evicted pods, and pods free to be rescheduled onto it";
            if (PodRemoval(string.Empty) is { } everywhere)
            {
                AddPodAccountsEverywhere("node-write", everywhere, Condition, nodes);
                return;
            }

            foreach (var ns in namespaces.Where(graph._podAccounts.ContainsKey).ToList())
            {
                if (PodRemoval(ns) is { } grant)
                {
                    Add(Identity.PodAccountsOf(ns), "node-write", ns, [nodes, grant], Condition);
                }
            }
        }

        /// <summary>
        /// Edge 11: on EKS, writing the aws-auth ConfigMap of kube-system maps an IAM principal to system:masters.
        /// Update and patch may be restricted to the name aws-auth; create cannot be (it names no object).
        /// </summary>
        public void AwsAuth()
        {
            const string KubeSystem = "kube-system";
            const string Condition = "only on EKS, where the aws-auth ConfigMap maps IAM principals to groups; needs an IAM principal the subject controls";
            if (!caps.Maybe("update", "configmaps") && !caps.Maybe("patch", "configmaps") && !caps.Maybe("create", "configmaps"))
            {
                return;
            }

            var grant = Allowed("update", string.Empty, "configmaps", ns: KubeSystem, name: AwsAuthName)
                ?? Allowed("patch", string.Empty, "configmaps", ns: KubeSystem, name: AwsAuthName)
                ?? Allowed("create", string.Empty, "configmaps", ns: KubeSystem);
            if (grant is not null)
            {
                Add(Identity.Masters, "configmap-write-kube-system", KubeSystem, [grant], Condition);
            }
        }

        private Grant? PodRemoval(string ns) =>
            (caps.Maybe("delete", "pods") ? Allowed("delete", string.Empty, "pods", ns: ns) : null)
            ?? (caps.Maybe("create", "pods", "eviction") ? Allowed("create", string.Empty, "pods", "eviction", ns) : null);

        /// <summary>Edges to the accounts pods run as: the hub of every ordinary namespace, and each privileged namespace's.</summary>
        private void AddPodAccountsEverywhere(string risk, Grant? grant, string condition, Grant? first = null)
        {
            IReadOnlyList<Grant> via = [.. new[] { first, grant }.OfType<Grant>()];
            Add(Identity.PodAccountsOf(Identity.AllNamespaces), risk, string.Empty, via, condition);
            foreach (var ns in graph._options.PrivilegedNamespaces.Where(graph._podAccounts.ContainsKey).Order(StringComparer.Ordinal))
            {
                Add(Identity.PodAccountsOf(ns), risk, ns, via, condition);
            }
        }

        private Grant? FirstWorkloadGrant(string ns)
        {
            foreach (var (group, resource, verbs) in Workloads)
            {
                foreach (var verb in verbs)
                {
                    if (caps.Maybe(verb, resource) && Allowed(verb, group, resource, ns: ns) is { } grant)
                    {
                        return grant;
                    }
                }
            }

            return null;
        }

        private bool ClusterWide(string verb, string group, string resource, string subresource = "") => Allowed(verb, group, resource, subresource) is not null;

        /// <summary>The namespaces with accounts where the request may be allowed: all of them after a cluster-wide grant.</summary>
        private List<string> Scopes(string verb, string group, string resource, string subresource = "") =>
            (ClusterWide(verb, group, resource, subresource) ? graph._accounts.Keys : namespaces.Where(graph._accounts.ContainsKey)).ToList();

        private Grant? Allowed(string verb, string group, string resource, string subresource = "", string ns = "", string name = "")
        {
            var decision = graph._model.CanI(RequestAttributes.ForResource(verb, group, resource, subresource, name, ns), user);
            return decision.Grants.Count > 0 ? decision.Grants[0] : null;
        }

        /// <summary>
        /// Edges to every account of every namespace: one to the hub of the ordinary namespaces, one per privileged
        /// namespace (named <paramref name="privilegedRisk"/>).
        /// </summary>
        private void AddEverywhere(string risk, string privilegedRisk, IReadOnlyList<Grant> via, string? condition = null)
        {
            Add(Identity.AllAccounts, risk, string.Empty, via, condition);
            foreach (var ns in graph._options.PrivilegedNamespaces.Where(graph._accounts.ContainsKey).Order(StringComparer.Ordinal))
            {
                AddAll(ns, privilegedRisk, via, condition);
            }
        }

        /// <summary>An edge to every account of a namespace, kept as one edge to the namespace's hub (see <see cref="Identity.AccountsOf"/>).</summary>
        private void AddAll(string ns, string risk, IReadOnlyList<Grant> via, string? condition = null) =>
            Add(Identity.AccountsOf(ns), risk, ns, via, condition);

        private void Add(Identity to, string risk, string scope, IReadOnlyList<Grant> via, string? condition = null)
        {
            if (to != node)
            {
                // One rule can grant both halves of a compound edge: list each grant once.
                var distinct = via.Distinct().ToList();
                edges.Add(new EscalationEdge(node, to, risk, scope, distinct, Condition: condition));
            }
        }
    }
}
