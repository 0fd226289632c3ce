using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rbac.Risks;

/// <summary>How risks are evaluated.</summary>
public sealed record RiskOptions
{
    /// <summary>Namespaces whose service accounts are as good as cluster-admin (RBAC.md section 2: kube-system by default).</summary>
    public IReadOnlyList<string> PrivilegedNamespaces { get; init; } = ["kube-system"];

    /// <summary>Namespaces whose service accounts count as system subjects (excluded by default, like rbac-tool).</summary>
    public IReadOnlyList<string> SystemNamespaces { get; init; } = ["kube-system"];
}

/// <summary>Who holds a risk: a subject, as written, and the binding it is written in.</summary>
public sealed record RiskHolder(RbacSubject Subject, RbacBinding Binding)
{
    /// <summary>
    /// A system subject: a User or Group named system:* (except the "everyone" groups system:authenticated,
    /// system:unauthenticated, system:serviceaccounts[:ns] and the user system:anonymous, which are never platform
    /// identities), or a service account of a system namespace.
    /// </summary>
    public bool IsSystem(IReadOnlyList<string> systemNamespaces)
    {
        if (Subject.Kind == RbacSubject.ServiceAccount)
        {
            var ns = Subject.Namespace ?? Binding.Namespace;
            return systemNamespaces.Contains(ns);
        }

        if (RiskEngine.IsBroadGroup(Subject))
        {
            return false;
        }

        if (UserInfo.ParseServiceAccountUser(Subject.Name) is { } sa)
        {
            return systemNamespaces.Contains(sa.Namespace);
        }

        return Subject.Name.StartsWith("system:", StringComparison.Ordinal);
    }
}

/// <summary>
/// One risk of the catalog found in the input: where it is written (a role rule, or a binding), how severe it is for the
/// scopes it is held in, and who holds it.
/// </summary>
public sealed record RiskFinding(string Risk, Severity Severity, KubeObject? Object, string Pointer, string Message, IReadOnlyList<RiskHolder> Holders)
{
    /// <summary>The role the risk is written in (null for risks of a binding).</summary>
    public RbacRole? Role { get; init; }

    /// <summary>The binding the risk is about (binding risks), or the first holder's binding for a default role.</summary>
    public RbacBinding? Binding { get; init; }

    /// <summary>Whether the role had holders before any filtering.</summary>
    public bool WasHeld => Holders.Count > 0;
}

/// <summary>The scope a permission is exercised in: cluster-wide ("") or one namespace.</summary>
public readonly record struct RiskScope(string Namespace, bool Privileged)
{
    public bool IsCluster => Namespace.Length == 0;

    /// <summary>Cluster-wide, or a privileged namespace: both reach the privileged namespaces' service accounts.</summary>
    public bool ReachesPrivileged => IsCluster || Privileged;

    public override string ToString() => IsCluster ? "cluster-wide" : $"in namespace \"{Namespace}\"";
}

/// <summary>
/// The risk engine over an <see cref="RbacModel"/>: every role rule (the rules as written; aggregated ClusterRoles
/// inherit their sources' risks through their bindings) is checked against each catalog pattern with the authorizer's
/// matching (RBAC.md 1.5), once per scope it is bound in; bindings are checked for the binding risks.
/// </summary>
public static class RiskEngine
{
    public const string BootstrapLabel = "kubernetes.io/bootstrapping";

    public static IReadOnlyList<RiskFinding> Analyze(RbacModel model, RiskOptions? options = null)
    {
        options ??= new RiskOptions();
        var findings = new List<RiskFinding>();
        var bindingsByRole = new Dictionary<RoleKey, List<RbacBinding>>();
        foreach (var binding in model.Bindings)
        {
            if (model.ResolveRole(binding) is { } role)
            {
                if (!bindingsByRole.TryGetValue(role.Key, out var list))
                {
                    bindingsByRole[role.Key] = list = new();
                }

                list.Add(binding);
            }
        }

        var aggregated = model.Roles.Where(r => r.IsAggregated).ToList();
        var sources = aggregated.ToDictionary(a => a.Key, a => Contributors(a, model.Roles));
        foreach (var role in model.Roles)
        {
            if (role.IsAggregated)
            {
                continue; // its written rules are discarded; its effective rules are reported where they are written
            }

            foreach (var rule in role.Rules)
            {
                var bindings = new List<RbacBinding>(bindingsByRole.GetValueOrDefault(role.Key) ?? []);
                if (role.Kind == RoleKey.ClusterRoleKind)
                {
                    foreach (var agg in aggregated.Where(a => sources[a.Key].Contains(role) && a.Rules.Contains(rule)))
                    {
                        bindings.AddRange(bindingsByRole.GetValueOrDefault(agg.Key) ?? []);
                    }
                }

                var scopes = Scopes(role, bindings, options);
                foreach (var detector in RiskCatalog.RuleDetectors)
                {
                    RiskMatch? worst = null;
                    var holders = new List<RiskHolder>();
                    foreach (var (scope, scopeBindings) in scopes)
                    {
                        if (detector.Detect(role, rule, scope) is not { } match)
                        {
                            continue;
                        }

                        if (worst is null || match.Severity > worst.Severity)
                        {
                            worst = match;
                        }

                        holders.AddRange(scopeBindings.SelectMany(b => b.Subjects.Select(s => new RiskHolder(s, b))));
                    }

                    if (worst is not null)
                    {
                        var verbIndex = VerbIndex(rule, worst.Verb);
                        var pointer = worst.Pointer ?? (verbIndex < 0 ? rule.Pointer : JsonPointer.Append(JsonPointer.Append(rule.Pointer, "verbs"), verbIndex));
                        findings.Add(new RiskFinding(detector.Id, worst.Severity, rule.Source, pointer,
                            $"rule {rule.Index} of {role.Key} {worst.Detail}", holders)
                        { Role = role, Binding = bindings.FirstOrDefault() });
                    }
                }
            }
        }

        findings.AddRange(BindingRisks.Analyze(model, options));
        return findings;
    }

    /// <summary>
    /// The ClusterRoles whose rules flow into an aggregated ClusterRole: those its selectors match, and, transitively,
    /// the contributors of matched roles that are aggregated themselves (view into edit into admin).
    /// </summary>
    private static HashSet<RbacRole> Contributors(RbacRole aggregated, IReadOnlyList<RbacRole> roles)
    {
        var result = new HashSet<RbacRole>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<RbacRole>([aggregated]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (current.AggregationSelectors is not { } selectors || selectors.Any(s => s.Error is not null))
            {
                continue;
            }

            foreach (var role in roles)
            {
                if (role.Kind == RoleKey.ClusterRoleKind && !ReferenceEquals(role, current) && !ReferenceEquals(role, aggregated) &&
                    selectors.Any(s => s.Matches(role.Labels)) && result.Add(role))
                {
                    queue.Enqueue(role);
                }
            }
        }

        return result;
    }

    /// <summary>The "everyone" groups and the anonymous user: system:authenticated, system:unauthenticated, system:serviceaccounts[:ns], system:anonymous.</summary>
    public static bool IsBroadGroup(RbacSubject subject) => subject.Kind switch
    {
        RbacSubject.Group => subject.Name is UserInfo.Authenticated or UserInfo.Unauthenticated or UserInfo.ServiceAccounts ||
            subject.Name.StartsWith(UserInfo.ServiceAccounts + ":", StringComparison.Ordinal),
        RbacSubject.User => subject.Name == UserInfo.Anonymous,
        _ => false,
    };

    /// <summary>A default (bootstrap) object: labelled kubernetes.io/bootstrapping=rbac-defaults.</summary>
    public static bool IsBootstrap(KubeObject? obj) =>
        obj?.Labels?.Get(BootstrapLabel) is ScalarNode { Value: "rbac-defaults" };

    /// <summary>
    /// The scopes a role's rules apply in, with the bindings that give each: a ClusterRoleBinding gives cluster-wide,
    /// a RoleBinding its namespace. An unbound role is evaluated in its natural scope (a Role: its namespace; a
    /// ClusterRole: cluster-wide, the worst case once someone binds it).
    /// </summary>
    private static List<(RiskScope Scope, List<RbacBinding> Bindings)> Scopes(RbacRole role, List<RbacBinding> bindings, RiskOptions options)
    {
        var result = new List<(RiskScope, List<RbacBinding>)>();
        if (bindings.Count == 0)
        {
            var ns = role.Kind == RoleKey.RoleKind ? role.Namespace : string.Empty;
            result.Add((new RiskScope(ns, options.PrivilegedNamespaces.Contains(ns)), []));
            return result;
        }

        foreach (var group in bindings.GroupBy(b => b.IsClusterRoleBinding ? string.Empty : b.Namespace))
        {
            result.Add((new RiskScope(group.Key, group.Key.Length > 0 && options.PrivilegedNamespaces.Contains(group.Key)), group.Distinct().ToList()));
        }

        return result;
    }

    private static int VerbIndex(PolicyRule rule, string verb)
    {
        for (var i = 0; i < rule.Verbs.Count; i++)
        {
            if (rule.Verbs[i] == verb)
            {
                return i;
            }
        }

        return -1;
    }
}
