using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Rbac;

public sealed class RbacSecretsReadCluster : Rule
{
    private const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    private const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    private const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];

    /// <summary>
    /// Bulwark's knowledge of the default ClusterRoles that matter here (current Kubernetes bootstrap policy): the
    /// labels that aggregate them, the label each aggregated role selects, and the secret reads they grant
    /// themselves. view grants no secrets; edit gets them from system:aggregate-to-edit; admin from edit.
    /// </summary>
    private static readonly DefaultRole[] Defaults =
    [
        new(RbacObjects.ClusterAdmin, null, null, ReadVerbs),
        new("admin", null, AggregateToAdmin, []),
        new("edit", AggregateToAdmin, AggregateToEdit, []),
        new("view", AggregateToEdit, AggregateToView, []),
        new("system:aggregate-to-admin", AggregateToAdmin, null, []),
        new("system:aggregate-to-edit", AggregateToEdit, null, ReadVerbs),
        new("system:aggregate-to-view", AggregateToView, null, []),
        new("system:kube-controller-manager", null, null, ReadVerbs),
        new("system:node", null, null, ReadVerbs),
    ];

    public override RuleInfo Info { get; } = new()
    {
        Id = "rbac-secrets-read-cluster",
        Title = "Secrets readable in every namespace",
        Severity = Severity.High,
        Layer = Layer.Rbac,
        Controls = ["RBAC-3"],
        Rationale = "Reading secrets (get, list or watch) through a ClusterRoleBinding reads every credential of the cluster, including legacy service-account tokens; list and watch are as bad as get, because the values come with the list. " +
            "The ClusterRoleBinding is reported at its roleRef, and each ClusterRole rule that grants the read is reported once. A rule grants it when its verbs hold get, list, watch or `*`, its apiGroups \"\" or `*`, its resources `secrets` or `*` " +
            "(`secrets/status` or `*/status` grant a subresource, not the secrets), and it has no resourceNames: a rule with resourceNames only reaches the named secrets (list and watch carry no name unless a metadata.name field selector is used), so it is not a read of all secrets. " +
            "ClusterRoles are taken from the input, else from Bulwark's knowledge of the default roles (cluster-admin, admin, edit, system:node and system:kube-controller-manager read secrets; view does not). " +
            "Aggregation is computed like the controller does, transitively over input and default roles (a role in the input labelled aggregate-to-view makes view, edit and admin grant what it grants); " +
            "rules written into an aggregated role also count, since an export of a live cluster holds the computed rules there, but they are reported at their source role, not at the copy. " +
            "RoleBindings of such roles (one namespace), roles bound by no ClusterRoleBinding of the input, and bindings without subjects are not reported, nor are rules of the default roles themselves. " +
            "Bindings whose subjects are all platform identities are exempt: ServiceAccounts of the systemNamespaces parameter, control-plane users (system:kube-*, system:node:*) and the groups system:nodes and system:masters.",
        Parameters = ["systemNamespaces"],
        Remediation = "Grant secret reads only through RoleBindings in the namespaces that need them, preferably with resourceNames listing the exact secrets.",
    };

    public override void Check(RuleContext context)
    {
        var universe = new Universe(context.Inventory);
        var system = context.Parameters.SystemNamespaces.ToHashSet(StringComparer.Ordinal);
        var reportedRules = new HashSet<(KubeObject, int)>();
        foreach (var binding in context.Inventory.OfKind(RbacObjects.Group, "ClusterRoleBinding"))
        {
            var (kind, name) = RbacObjects.RoleRef(binding);
            var bound = RbacObjects.Subjects(binding).ToList();
            if (kind != "ClusterRole" || bound.Count == 0 || bound.All(s => s.IsPlatform(binding, system)))
            {
                continue;
            }

            var grants = universe.SecretReads(name);
            if (grants.Count == 0)
            {
                continue;
            }

            var verbs = string.Join(", ", ReadVerbs.Where(v => grants.Any(g => g.Verbs.Contains(v))));
            var subjects = string.Join(", ", bound.Take(3).Select(s => s.Describe(binding))) + (bound.Count > 3 ? " and others" : string.Empty);
            context.Report(binding, "/roleRef", $"binding gives {subjects} {verbs} on secrets in every namespace through ClusterRole \"{name}\"");

            foreach (var grant in grants)
            {
                if (grant.Rule is not { } rule || IsDefault(rule.Role.Name) || RbacObjects.IsAggregated(rule.Role) || !reportedRules.Add((rule.Role, rule.Index)))
                {
                    continue;
                }

                var via = rule.Role.Name == name ? string.Empty : $" (aggregated into ClusterRole \"{name}\")";
                var pointer = rule.MatchingResource("secrets")!.Value.Pointer;
                context.Report(rule.Role, pointer,
                    $"rule {rule.Index} of ClusterRole \"{rule.Role.Name}\"{via} grants {string.Join(", ", grant.Verbs)} on all secrets and is bound cluster-wide by ClusterRoleBinding \"{binding.Name}\"");
            }
        }
    }

    private static bool IsDefault(string name) => Defaults.Any(d => d.Name == name);

    /// <summary>Which of get, list, watch a rule grants on every secret of the core group (empty when none).</summary>
    private static List<string> ReadsSecrets(PolicyRuleView rule) =>
        rule.AnyName && rule.MatchesGroup(string.Empty) && rule.MatchingResource("secrets") is not null
            ? ReadVerbs.Where(rule.MatchesVerb).ToList()
            : [];

    private sealed record DefaultRole(string Name, string? Label, string? Selects, IReadOnlyList<string> Reads);

    /// <summary>A source of secret reads: a rule of the input, or a default role's own grant.</summary>
    private sealed record Grant(PolicyRuleView? Rule, IReadOnlyList<string> Verbs);

    /// <summary>The ClusterRoles of the cluster: those of the input, and the defaults the input does not redefine.</summary>
    private sealed class Universe
    {
        private readonly List<Entry> _roles = new();
        private readonly Dictionary<string, List<Grant>> _cache = new(StringComparer.Ordinal);

        public Universe(Inventory inventory)
        {
            foreach (var role in inventory.OfKind(RbacObjects.Group, "ClusterRole"))
            {
                var own = RbacObjects.Rules(role).Select(r => new Grant(r, ReadsSecrets(r))).Where(g => g.Verbs.Count > 0).ToList();
                var selectors = RbacObjects.IsAggregated(role) ? RbacObjects.AggregationSelectors(role) : null;
                _roles.Add(new Entry(role.Name, RbacObjects.Labels(role), selectors, own));
            }

            foreach (var d in Defaults)
            {
                if (_roles.Any(r => r.Name == d.Name))
                {
                    continue;
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (d.Label is not null)
                {
                    labels[d.Label] = "true";
                }

                var own = d.Reads.Count > 0 ? new List<Grant> { new(null, d.Reads) } : new List<Grant>();
                _roles.Add(new Entry(d.Name, labels, null, own, d.Selects));
            }
        }

        /// <summary>Every grant of secret reads the named ClusterRole holds, its own and those aggregated into it.</summary>
        public List<Grant> SecretReads(string name)
        {
            if (_cache.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var result = new List<Grant>();
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Collect(name, result, visited);
            _cache[name] = result;
            return result;
        }

        private void Collect(string name, List<Grant> result, HashSet<string> visited)
        {
            if (!visited.Add(name))
            {
                return;
            }

            foreach (var role in _roles.Where(r => r.Name == name))
            {
                result.AddRange(role.Own);
                if (role.Selectors is null && role.DefaultSelects is null)
                {
                    continue;
                }

                foreach (var other in _roles)
                {
                    if (other.Name != name && role.Selects(other.Labels))
                    {
                        Collect(other.Name, result, visited);
                    }
                }
            }
        }
    }

    private sealed record Entry(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<MappingNode?>? Selectors, List<Grant> Own, string? DefaultSelects = null)
    {
        public bool Selects(IReadOnlyDictionary<string, string> labels)
        {
            if (DefaultSelects is not null)
            {
                return labels.TryGetValue(DefaultSelects, out var v) && v == "true";
            }

            return Selectors is not null && Selectors.Any(s => RbacObjects.SelectorMatches(s, labels));
        }
    }
}
