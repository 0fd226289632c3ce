using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Bulwark.Bench;

/// <summary>What the RBAC corpus generator wrote, and the pools the timed queries draw from.</summary>
internal sealed class RbacCorpusStats
{
    public int Namespaces { get; set; }

    public int Roles { get; set; }

    public int ClusterRoles { get; set; }

    public int AggregatedClusterRoles { get; set; }

    public int RoleBindings { get; set; }

    public int ClusterRoleBindings { get; set; }

    public int ServiceAccounts { get; set; }

    public int Workloads { get; set; }

    public int Users { get; set; }

    public int Groups { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    [JsonIgnore]
    public List<string> NamespaceNames { get; } = [];

    [JsonIgnore]
    public List<(string Namespace, string Name)> Accounts { get; } = [];

    [JsonIgnore]
    public List<string> UserNames { get; } = [];

    [JsonIgnore]
    public List<string> GroupNames { get; } = [];
}

/// <summary>
/// Generates a synthetic cluster's RBAC (deterministic for a seed): team namespaces with their service accounts and
/// workloads, Roles and ClusterRoles with realistic rules (some wildcards, resourceNames, aggregation, a few
/// dangerous grants), RoleBindings and ClusterRoleBindings to users, groups and service accounts, and a kube-system
/// with bootstrap-like bindings, one file per namespace plus files of cluster-scoped objects.
/// </summary>
internal sealed class RbacCorpus
{
    public static readonly (string Group, string Resource)[] Resources =
    [
        (string.Empty, "pods"), (string.Empty, "pods/log"), (string.Empty, "pods/exec"), (string.Empty, "services"),
        (string.Empty, "configmaps"), (string.Empty, "secrets"), (string.Empty, "serviceaccounts"), (string.Empty, "events"),
        (string.Empty, "persistentvolumeclaims"), (string.Empty, "endpoints"), ("apps", "deployments"), ("apps", "statefulsets"),
        ("apps", "daemonsets"), ("apps", "replicasets"), ("apps", "deployments/scale"), ("batch", "jobs"), ("batch", "cronjobs"),
        ("networking.k8s.io", "ingresses"), ("networking.k8s.io", "networkpolicies"), ("autoscaling", "horizontalpodautoscalers"),
        ("policy", "poddisruptionbudgets"), ("monitoring.coreos.com", "servicemonitors"), ("cert-manager.io", "certificates"),
        ("argoproj.io", "rollouts"), ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
        ("coordination.k8s.io", "leases"), ("discovery.k8s.io", "endpointslices"),
    ];

    public static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];

    private static readonly string[] Teams =
    [
        "payments", "search", "checkout", "catalog", "identity", "billing", "ledger", "fraud", "shipping", "inventory",
        "pricing", "reviews", "media", "notifications", "analytics", "ml-platform", "data-eng", "growth", "support", "partners",
        "mobile-api", "web", "gateway", "observability", "security", "compliance", "reporting", "recommendations", "ads", "maps",
    ];

    private static readonly string[] Envs = ["prod", "staging", "dev", "qa", "perf", "sandbox", "canary", "preview"];

    private static readonly string[] Purposes = ["reader", "writer", "operator", "deployer", "debugger", "auditor", "controller", "admin"];

    private static readonly string[] FirstNames =
        ["ana", "ben", "chloe", "dmitri", "elena", "farid", "grace", "hiro", "ines", "jonas", "kwame", "lea", "mateo", "nadia", "omar", "priya"];

    private static readonly string[] LastNames =
        ["smith", "garcia", "kim", "muller", "rossi", "nguyen", "silva", "khan", "sato", "novak", "dubois", "okafor", "larsen", "costa"];

    private readonly Random _random;
    private readonly Dictionary<string, List<string>> _accountsByNamespace = new(StringComparer.Ordinal);

    public RbacCorpus(int seed) => _random = new Random(seed);

    public RbacCorpusStats Write(string folder, int roleCount, int bindingCount)
    {
        Directory.CreateDirectory(folder);
        var stats = new RbacCorpusStats();
        var namespaceCount = Math.Max(10, roleCount / 20);
        for (var i = 0; stats.NamespaceNames.Count < namespaceCount; i++)
        {
            var team = Teams[i % Teams.Length];
            var env = Envs[i / Teams.Length % Envs.Length];
            var round = i / (Teams.Length * Envs.Length);
            stats.NamespaceNames.Add(round == 0 ? $"{team}-{env}" : $"{team}-{env}-{round + 1}");
        }

        for (var i = 0; i < Math.Max(50, bindingCount / 8); i++)
        {
            stats.UserNames.Add($"{Pick(FirstNames)}.{Pick(LastNames)}{i}@example.com");
        }

        foreach (var team in Teams)
        {
            foreach (var g in new[] { "devs", "oncall", "leads", "readonly", "release" })
            {
                stats.GroupNames.Add($"team-{team}-{g}");
            }
        }

        stats.GroupNames.AddRange(["sre", "platform-admins", "security-auditors", "contractors"]);
        var byNamespace = stats.NamespaceNames.ToDictionary(n => n, _ => new StringBuilder(), StringComparer.Ordinal);
        var nsRoles = stats.NamespaceNames.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        var cluster = new StringBuilder();
        var clusterRoles = new List<string>();

        // Service accounts and the workloads that run as them.
        foreach (var ns in stats.NamespaceNames)
        {
            var team = ns[..ns.LastIndexOf('-')];
            var text = byNamespace[ns];
            text.Append(CultureInfo.InvariantCulture, $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: {team}\n");
            foreach (var sa in new[] { "default", $"{team}-api", $"{team}-worker", "ci-deployer", "metrics-reader" })
            {
                text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {sa}\n  namespace: {ns}\n");
                stats.Accounts.Add((ns, sa));
                stats.ServiceAccounts++;
                if (!_accountsByNamespace.TryGetValue(ns, out var names))
                {
                    _accountsByNamespace[ns] = names = [];
                }

                names.Add(sa);
            }

            foreach (var (app, sa) in new[] { ("api", $"{team}-api"), ("worker", $"{team}-worker") })
            {
                text.Append(CultureInfo.InvariantCulture, $"""
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: {team}-{app}
                      namespace: {ns}
                    spec:
                      replicas: 2
                      selector:
                        matchLabels: {"{"}app: {team}-{app}{"}"}
                      template:
                        metadata:
                          labels: {"{"}app: {team}-{app}{"}"}
                        spec:
                          serviceAccountName: {sa}
                          containers:
                            - name: {app}
                              image: registry.example.com/{team}/{app}:1.{_random.Next(40)}.{_random.Next(10)}

                    """);
                stats.Workloads++;
            }
        }

        // kube-system: bootstrap-like accounts, one of them bound to cluster-admin.
        var system = new StringBuilder();
        foreach (var sa in new[] { "coredns", "kube-proxy", "cluster-autoscaler", "ops-controller", "metrics-server" })
        {
            system.Append(CultureInfo.InvariantCulture, $"---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {sa}\n  namespace: kube-system\n");
            stats.Accounts.Add(("kube-system", sa));
            stats.ServiceAccounts++;
        }

        system.Append("""
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: ops-controller-cluster-admin
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
            subjects:
              - kind: ServiceAccount
                name: ops-controller
                namespace: kube-system
              - kind: Group
                name: platform-admins
                apiGroup: rbac.authorization.k8s.io

            """);
        stats.ClusterRoleBindings++;
        var remainingBindings = bindingCount - 1;

        // Roles and ClusterRoles: about a third cluster-wide; 2% of ClusterRoles aggregate others by team label.
        for (var i = 0; i < roleCount; i++)
        {
            var team = Pick(Teams);
            var purpose = Pick(Purposes);
            if (_random.Next(100) < 35)
            {
                var name = $"{team}-{purpose}-{i}";
                clusterRoles.Add(name);
                stats.ClusterRoles++;
                cluster.Append(CultureInfo.InvariantCulture, $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {name}\n");
                if (_random.Next(100) < 2)
                {
                    stats.AggregatedClusterRoles++;
                    cluster.Append(CultureInfo.InvariantCulture,
                        $"aggregationRule:\n  clusterRoleSelectors:\n    - matchLabels:\n        rbac.example.com/aggregate-to-{team}: \"true\"\nrules: []\n");
                    continue;
                }

                if (_random.Next(100) < 10)
                {
                    cluster.Append(CultureInfo.InvariantCulture, $"  labels:\n    rbac.example.com/aggregate-to-{team}: \"true\"\n");
                }

                AppendRules(cluster, clusterWide: true);
            }
            else
            {
                var ns = Pick(stats.NamespaceNames);
                var name = $"{purpose}-{i}";
                nsRoles[ns].Add(name);
                stats.Roles++;
                byNamespace[ns].Append(CultureInfo.InvariantCulture, $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\n  namespace: {ns}\n");
                AppendRules(byNamespace[ns], clusterWide: false);
            }
        }

        // Bindings: 70% RoleBindings (to a Role of the namespace, or a ClusterRole), 30% ClusterRoleBindings.
        string[] defaults = ["view", "edit", "admin"];
        for (var i = 0; i < remainingBindings; i++)
        {
            if (_random.Next(100) < 70)
            {
                var ns = Pick(stats.NamespaceNames);
                var useRole = nsRoles[ns].Count > 0 && _random.Next(100) < 60;
                var (kind, role) = useRole ? ("Role", Pick(nsRoles[ns])) : ("ClusterRole", _random.Next(100) < 10 ? Pick(defaults) : Pick(clusterRoles));
                var text = byNamespace[ns];
                text.Append(CultureInfo.InvariantCulture,
                    $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {role}-binding-{i}\n  namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {kind}\n  name: {role}\nsubjects:\n");
                AppendSubjects(text, stats, ns);
                stats.RoleBindings++;
            }
            else
            {
                var role = _random.Next(1000) == 0 ? "cluster-admin" : _random.Next(100) < 5 ? Pick(defaults) : Pick(clusterRoles);
                cluster.Append(CultureInfo.InvariantCulture,
                    $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {role}-binding-{i}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\nsubjects:\n");
                AppendSubjects(cluster, stats, null);
                stats.ClusterRoleBindings++;
            }
        }

        stats.Users = stats.UserNames.Count;
        stats.Groups = stats.GroupNames.Count;
        stats.Namespaces = stats.NamespaceNames.Count;
        foreach (var (ns, text) in byNamespace)
        {
            Save(Path.Combine(folder, ns + ".yaml"), text);
        }

        Save(Path.Combine(folder, "kube-system.yaml"), system);
        Save(Path.Combine(folder, "cluster-rbac.yaml"), cluster);
        stats.NamespaceNames.Add("kube-system");
        return stats;

        void Save(string path, StringBuilder text)
        {
            File.WriteAllText(path, text.ToString());
            stats.Files++;
            stats.Bytes += new FileInfo(path).Length;
        }
    }

    private void AppendRules(StringBuilder text, bool clusterWide)
    {
        text.Append("rules:\n");
        var count = 1 + _random.Next(6);
        for (var r = 0; r < count; r++)
        {
            var roll = _random.Next(1000);
            if (roll < 4)
            {
                // A dangerous grant, rarely: the stuff escalation paths are made of.
                text.Append(Pick(new[]
                {
                    "  - apiGroups: [\"\"]\n    resources: [serviceaccounts]\n    verbs: [impersonate]\n",
                    "  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [bind]\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [rolebindings]\n    verbs: [create]\n",
                    "  - apiGroups: [\"\"]\n    resources: [serviceaccounts/token]\n    verbs: [create]\n",
                    "  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n",
                    "  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [create]\n",
                }));
                continue;
            }

            if (clusterWide && roll < 5)
            {
                text.Append("  - apiGroups: [admissionregistration.k8s.io]\n    resources: [mutatingwebhookconfigurations]\n    verbs: [get, list, create, patch]\n");
                continue;
            }

            var (group, resource) = Pick(Resources);
            var resources = new SortedSet<string>(StringComparer.Ordinal) { resource };
            for (var extra = _random.Next(3); extra > 0; extra--)
            {
                var (g2, r2) = Pick(Resources);
                if (g2 == group)
                {
                    resources.Add(r2);
                }
            }

            var wildResources = roll < 8;
            var wildGroups = roll < 6;
            // ClusterRoles are mostly read-only (they are bound cluster-wide); namespace Roles write more often.
            string verbs = (clusterWide ? _random.Next(100) / 2 + (_random.Next(10) == 0 ? 50 : 0) : _random.Next(100)) switch
            {
                < 55 => "get, list, watch",
                < 85 => "get, list, watch, create, update, patch, delete",
                < 95 => "get, update, patch",
                _ => "\"*\"",
            };
            text.Append(CultureInfo.InvariantCulture, $"  - apiGroups: [{(wildGroups ? "\"*\"" : $"\"{group}\"")}]\n");
            text.Append(CultureInfo.InvariantCulture, $"    resources: [{(wildResources ? "\"*\"" : string.Join(", ", resources))}]\n");
            if (!wildResources && _random.Next(100) < 5)
            {
                text.Append(CultureInfo.InvariantCulture, $"    resourceNames: [{Pick(Teams)}-config, {Pick(Teams)}-tls]\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"    verbs: [{verbs}]\n");
        }
    }

    private void AppendSubjects(StringBuilder text, RbacCorpusStats stats, string? bindingNamespace)
    {
        var count = 1 + _random.Next(3);
        for (var s = 0; s < count; s++)
        {
            var roll = _random.Next(100);
            if (roll < 40)
            {
                var (ns, sa) = bindingNamespace is null ? Pick(stats.Accounts) : (bindingNamespace, Pick(_accountsByNamespace[bindingNamespace]));
                text.Append(CultureInfo.InvariantCulture, $"  - kind: ServiceAccount\n    name: {sa}\n    namespace: {ns}\n");
            }
            else if (roll < 75)
            {
                text.Append(CultureInfo.InvariantCulture, $"  - kind: User\n    name: {Pick(stats.UserNames)}\n    apiGroup: rbac.authorization.k8s.io\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"  - kind: Group\n    name: {Pick(stats.GroupNames)}\n    apiGroup: rbac.authorization.k8s.io\n");
            }
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
