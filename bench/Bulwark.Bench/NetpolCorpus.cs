using System.Globalization;
using System.Text;

namespace Bulwark.Bench;

/// <summary>What the NetworkPolicy cluster generator wrote.</summary>
internal sealed class NetpolCorpusStats
{
    public int Namespaces { get; set; }

    public int Pods { get; set; }

    public int Nodes { get; set; }

    public int Workloads { get; set; }

    public Dictionary<string, int> WorkloadsByKind { get; set; } = [];

    public int Services { get; set; }

    public int Policies { get; set; }

    /// <summary>Policies by shape (a policy with several shapes counts under its main one).</summary>
    public Dictionary<string, int> PoliciesByShape { get; set; } = [];

    /// <summary>Namespaces by default-deny kind: both, ingress, egress, none.</summary>
    public Dictionary<string, int> DefaultDeny { get; set; } = [];

    /// <summary>Client → server calls of the generated application graph (before the policy budget is applied).</summary>
    public int Calls { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }
}

/// <summary>
/// Generates a cluster for NetworkPolicy analysis (deterministic for a seed and size): platform namespaces
/// (kube-system with CoreDNS and kube-proxy, ingress-nginx, monitoring, logging, cert-manager) and team namespaces
/// (<c>payments-prod</c>, ...) labelled with team, env and sometimes Pod Security and a PCI zone; workloads
/// (mostly Deployments, some StatefulSets, DaemonSets and CronJobs) whose replicas add up to the requested number of
/// pods, with named container ports and Services; an application call graph (web → api → db/cache, workers, cron
/// jobs, microservices calling each other and a few services of other namespaces, some internet and corporate
/// egress); and exactly the requested number of NetworkPolicies in the shapes real clusters use. One folder per
/// namespace holding namespace.yaml, workloads.yaml and network-policies.yaml.
/// </summary>
internal sealed class NetpolCorpus
{
    private static readonly string[] Teams =
    [
        "payments", "search", "checkout", "catalog", "identity", "billing", "ledger", "fraud", "shipping", "inventory",
        "pricing", "reviews", "media", "notifications", "analytics", "ml-platform", "data-eng", "growth", "support", "partners",
        "mobile-api", "web", "gateway", "observability", "security", "compliance", "reporting", "recommendations", "ads", "maps",
    ];

    private static readonly string[] Envs = ["prod", "staging", "dev", "qa"];

    private static readonly string[] PciTeams = ["payments", "billing", "ledger", "fraud", "checkout"];

    private static readonly string[] Services =
    [
        "auth", "ledger", "search", "notifier", "indexer", "scheduler", "resizer", "router", "quotes", "profile",
        "session", "events", "export", "import", "rates", "tax", "audit", "feed", "geo", "cart",
    ];

    private static readonly string[] PlatformNamespaces = ["kube-system", "ingress-nginx", "monitoring", "logging", "cert-manager"];

    private readonly Random _random;
    private readonly List<Ns> _namespaces = [];
    private readonly List<Policy> _policies = [];
    private int _nodes;

    public NetpolCorpus(int seed) => _random = new Random(seed);

    private enum Deny
    {
        Both,
        Ingress,
        Egress,
        None,
    }

    /// <summary>Writes a cluster of <paramref name="pods"/> pods in <paramref name="namespaces"/> namespaces with <paramref name="policies"/> policies.</summary>
    public NetpolCorpusStats Write(string folder, int pods, int namespaces, int policies)
    {
        if (namespaces < PlatformNamespaces.Length + 1)
        {
            throw new ArgumentException($"at least {PlatformNamespaces.Length + 1} namespaces are needed");
        }

        _nodes = Math.Max(3, pods / 60);
        var stats = new NetpolCorpusStats { Nodes = _nodes };
        BuildPlatform();
        var platformPods = _namespaces.Sum(n => n.Workloads.Sum(w => w.Pods));
        var teamCount = namespaces - PlatformNamespaces.Length;
        if (pods - platformPods < teamCount)
        {
            throw new ArgumentException($"{pods} pods are too few: the platform namespaces alone run {platformPods}");
        }

        BuildTeams(teamCount, pods - platformPods);
        BuildCalls();
        BuildPolicies(policies);

        Directory.CreateDirectory(folder);
        foreach (var ns in _namespaces)
        {
            var dir = Path.Combine(folder, ns.Name);
            Directory.CreateDirectory(dir);
            stats.Bytes += WriteFile(Path.Combine(dir, "namespace.yaml"), NamespaceYaml(ns));
            stats.Bytes += WriteFile(Path.Combine(dir, "workloads.yaml"), WorkloadsYaml(ns, stats));
            var nsPolicies = _policies.Where(p => p.Namespace == ns.Name).ToList();
            if (nsPolicies.Count > 0)
            {
                stats.Bytes += WriteFile(Path.Combine(dir, "network-policies.yaml"), string.Join("---\n", nsPolicies.Select(p => p.Yaml)));
                stats.Files++;
            }

            stats.Files += 2;
        }

        stats.Namespaces = _namespaces.Count;
        stats.Pods = _namespaces.Sum(n => n.Workloads.Sum(w => w.Pods));
        stats.Workloads = _namespaces.Sum(n => n.Workloads.Count);
        stats.WorkloadsByKind = _namespaces.SelectMany(n => n.Workloads).GroupBy(w => w.Kind).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());
        stats.Policies = _policies.Count;
        stats.PoliciesByShape = _policies.GroupBy(p => p.Shape).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        stats.DefaultDeny = _namespaces.Where(n => n.Name != "kube-system").GroupBy(n => n.Deny.ToString().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.Count());
        stats.Calls = _namespaces.SelectMany(n => n.Workloads).Sum(w => w.Calls.Count);
        return stats;
    }

    private static long WriteFile(string path, string text)
    {
        File.WriteAllText(path, text);
        return Encoding.UTF8.GetByteCount(text);
    }

    // ---------------------------------------------------------------- the cluster

    private void BuildPlatform()
    {
        var kubeSystem = AddNamespace("kube-system", "platform", "prod", platform: true, Deny.None);
        var dns = AddWorkload(kubeSystem, "coredns", "Deployment", 2, "dns", [new("dns", 53, "UDP"), new("dns-tcp", 53, "TCP"), new("metrics", 9153, "TCP")],
            service: "kube-dns");
        dns.Labels["k8s-app"] = "kube-dns";
        dns.Labels.Remove("app");
        var proxy = AddWorkload(kubeSystem, "kube-proxy", "DaemonSet", _nodes, "node", [new("metrics", 10249, "TCP")], service: null);
        proxy.HostNetwork = true;
        proxy.Labels["k8s-app"] = "kube-proxy";
        proxy.Labels.Remove("app");
        var csi = AddWorkload(kubeSystem, "ebs-csi-node", "DaemonSet", _nodes, "node", [new("healthz", 9808, "TCP")], service: null);
        csi.Labels["app.kubernetes.io/component"] = "csi-driver";
        AddWorkload(kubeSystem, "metrics-server", "Deployment", 1, "platform", [new("https", 10250, "TCP")], service: "metrics-server");

        var ingress = AddNamespace("ingress-nginx", "platform", "prod", platform: true, Deny.Ingress);
        var controller = AddWorkload(ingress, "ingress-nginx-controller", "Deployment", 3, "edge",
            [new("http", 80, "TCP"), new("https", 443, "TCP"), new("metrics", 10254, "TCP"), new("webhook", 8443, "TCP")], service: "ingress-nginx-controller");
        controller.Labels["app.kubernetes.io/name"] = "ingress-nginx";
        controller.Labels["app.kubernetes.io/component"] = "controller";

        var monitoring = AddNamespace("monitoring", "platform", "prod", platform: true, Deny.Both);
        var prometheus = AddWorkload(monitoring, "prometheus", "StatefulSet", 2, "platform", [new("web", 9090, "TCP")], service: "prometheus");
        prometheus.Labels["app.kubernetes.io/name"] = "prometheus";
        AddWorkload(monitoring, "alertmanager", "StatefulSet", 3, "platform", [new("web", 9093, "TCP"), new("mesh", 9094, "TCP")], service: "alertmanager");
        AddWorkload(monitoring, "grafana", "Deployment", 1, "platform", [new("http", 3000, "TCP")], service: "grafana");
        var exporter = AddWorkload(monitoring, "node-exporter", "DaemonSet", _nodes, "node", [new("metrics", 9100, "TCP")], service: "node-exporter");
        exporter.HostNetwork = true;

        var logging = AddNamespace("logging", "platform", "prod", platform: true, Deny.Both);
        AddWorkload(logging, "loki", "StatefulSet", 3, "platform", [new("http", 3100, "TCP"), new("grpc", 9095, "TCP")], service: "loki");
        AddWorkload(logging, "fluent-bit", "DaemonSet", _nodes, "node", [new("metrics", 2020, "TCP")], service: null);

        var certManager = AddNamespace("cert-manager", "platform", "prod", platform: true, Deny.Both);
        AddWorkload(certManager, "cert-manager", "Deployment", 1, "platform", [new("metrics", 9402, "TCP")], service: "cert-manager");
        AddWorkload(certManager, "cert-manager-webhook", "Deployment", 2, "platform", [new("https", 10250, "TCP")], service: "cert-manager-webhook");
    }

    private void BuildTeams(int count, int pods)
    {
        // Split the pods over the namespaces unevenly: a few big namespaces, many small ones; every namespace gets one.
        var weights = Enumerable.Range(0, count).Select(_ => _random.Next(10) == 0 ? 3.0 + _random.NextDouble() * 3 : 0.4 + _random.NextDouble() * 1.6).ToArray();
        var spare = pods - count;
        var budgets = weights.Select(w => 1 + (int)(spare * w / weights.Sum())).ToArray();
        for (var i = 0; budgets.Sum() < pods; i++)
        {
            budgets[i % count]++;
        }

        for (var i = 0; i < count; i++)
        {
            var team = Teams[i % Teams.Length];
            var env = Envs[i / Teams.Length % Envs.Length];
            var round = i / (Teams.Length * Envs.Length);
            var name = round == 0 ? $"{team}-{env}" : $"{team}-{env}-{round + 1}";
            var roll = _random.Next(100);
            var deny = roll < 55 ? Deny.Both : roll < 75 ? Deny.Ingress : roll < 85 ? Deny.Egress : Deny.None;
            var ns = AddNamespace(name, team, env, platform: false, deny);
            FillNamespace(ns, team, budgets[i]);
        }
    }

    private void FillNamespace(Ns ns, string team, int budget)
    {
        var remaining = budget;
        int Take(int wanted)
        {
            var n = Math.Min(wanted, remaining);
            remaining -= n;
            return n;
        }

        int Replicas() => ns.Env == "prod" ? new[] { 2, 2, 3, 3, 3, 4, 5, 6 }[_random.Next(8)] : new[] { 1, 1, 1, 2, 2, 3 }[_random.Next(6)];

        var step = 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        while (remaining > 0)
        {
            switch (step++)
            {
                case 0:
                    AddWorkload(ns, $"{team}-web", "Deployment", Take(Replicas()), "frontend", [new("http", 8080, "TCP"), new("metrics", 9090, "TCP")], $"{team}-web");
                    break;
                case 1:
                    AddWorkload(ns, $"{team}-api", "Deployment", Take(Replicas()), "backend",
                        [new("http", 8080, "TCP"), new("grpc", 9000, "TCP"), new("metrics", 9090, "TCP")], $"{team}-api");
                    break;
                case 2 when _random.Next(3) > 0:
                    AddWorkload(ns, $"{team}-db", "StatefulSet", Take(_random.Next(2) == 0 ? 1 : 3), "data", [new("postgres", 5432, "TCP"), new("metrics", 9187, "TCP")],
                        $"{team}-db");
                    break;
                case 3 when _random.Next(2) == 0:
                    AddWorkload(ns, $"{team}-cache", _random.Next(2) == 0 ? "StatefulSet" : "Deployment", Take(_random.Next(2) == 0 ? 1 : 3), "data",
                        [new("redis", 6379, "TCP")], $"{team}-cache");
                    break;
                case 4:
                    AddWorkload(ns, $"{team}-worker", "Deployment", Take(Replicas()), "backend", [new("metrics", 9090, "TCP")], service: null);
                    break;
                case 5 when _random.Next(3) > 0:
                    AddWorkload(ns, $"{team}-nightly", "CronJob", Take(1), "batch", [], service: null);
                    break;
                case > 5:
                    var word = Services[_random.Next(Services.Length)];
                    var name = used.Add(word) ? $"{team}-{word}" : $"{team}-{word}-{step}";
                    if (_random.Next(25) == 0)
                    {
                        AddWorkload(ns, $"{team}-{word}-sync-{step}", "CronJob", Take(1), "batch", [], service: null);
                    }
                    else
                    {
                        AddWorkload(ns, name, "Deployment", Take(Replicas()), "backend", [new("http", 8080, "TCP"), new("metrics", 9090, "TCP")], name);
                    }

                    break;
            }
        }
    }

    private void BuildCalls()
    {
        var servers = _namespaces.Where(n => !n.Platform).SelectMany(n => n.Workloads).Where(w => w.Service is not null && w.Tier == "backend").ToList();
        foreach (var ns in _namespaces.Where(n => !n.Platform))
        {
            var api = ns.Workloads.Where(w => w.Name.EndsWith("-api", StringComparison.Ordinal)).ToList();
            var data = ns.Workloads.Where(w => w.Tier == "data").ToList();
            var backends = ns.Workloads.Where(w => w.Tier == "backend" && w.Service is not null).ToList();
            foreach (var w in ns.Workloads)
            {
                switch (w.Tier)
                {
                    case "frontend":
                        w.Calls.AddRange(api.Select(a => (a, "http")));
                        break;
                    case "backend" when w.Service is not null:
                        w.Calls.AddRange(data.Select(d => (d, d.Ports[0].Name)));
                        foreach (var other in backends.Where(b => b != w).OrderBy(_ => _random.Next()).Take(_random.Next(3)))
                        {
                            w.Calls.Add((other, _random.Next(3) == 0 ? "grpc" : "http"));
                        }

                        break;
                    case "backend":
                    case "batch":
                        w.Calls.AddRange(api.Select(a => (a, "http")));
                        w.Calls.AddRange(data.Take(1).Select(d => (d, d.Ports[0].Name)));
                        break;
                }

                w.Calls.RemoveAll(c => c.Server.Ports.All(p => p.Name != c.Port));
                if (w.Tier is "backend" && _random.Next(4) == 0)
                {
                    // A shared service of another namespace, preferably of the same environment.
                    var candidates = servers.Where(s => s.Namespace != ns.Name && _namespaces.First(n => n.Name == s.Namespace).Env == ns.Env).ToList();
                    if (candidates.Count > 0)
                    {
                        w.Calls.Add((candidates[_random.Next(candidates.Count)], "http"));
                    }
                }

                w.Internet = w.Tier == "backend" && _random.Next(6) == 0;
                w.Corporate = w.Tier is "backend" or "batch" && _random.Next(15) == 0;
            }

        }
    }

    // ---------------------------------------------------------------- the policies

    private void BuildPolicies(int budget)
    {
        // Base policies: what every namespace's owner writes first. Then the per-application allows, in a random
        // order, until the budget is spent; per-workload metrics allows fill up a budget the applications leave.
        var required = new List<Policy>();
        var apps = new List<Policy>();
        var fillers = new List<Policy>();
        foreach (var ns in _namespaces)
        {
            if (ns.Name == "kube-system")
            {
                continue;
            }

            var ingressDeny = ns.Deny is Deny.Both or Deny.Ingress;
            var egressDeny = ns.Deny is Deny.Both or Deny.Egress;
            switch (ns.Deny)
            {
                case Deny.Both:
                    required.Add(new(ns.Name, "default-deny-all", "default-deny-both", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"));
                    break;
                case Deny.Ingress:
                    // Half write policyTypes, half rely on the defaulting (no policyTypes, no rules: ingress only).
                    required.Add(new(ns.Name, "default-deny-ingress", "default-deny-ingress",
                        _random.Next(2) == 0 ? "  podSelector: {}\n  policyTypes: [Ingress]\n" : "  podSelector: {}\n"));
                    break;
                case Deny.Egress:
                    required.Add(new(ns.Name, "default-deny-egress", "default-deny-egress", "  podSelector: {}\n  policyTypes: [Egress]\n"));
                    break;
            }

            if (egressDeny)
            {
                required.Add(new(ns.Name, "allow-dns", "dns-egress", """
                      podSelector: {}
                      policyTypes: [Egress]
                      egress:
                        - to:
                            - namespaceSelector:
                                matchLabels: {kubernetes.io/metadata.name: kube-system}
                              podSelector:
                                matchLabels: {k8s-app: kube-dns}
                          ports:
                            - {protocol: UDP, port: 53}
                            - {protocol: TCP, port: 53}

                    """));
            }

            if (ns.Platform)
            {
                PlatformPolicies(ns, required);
                continue;
            }

            if (ingressDeny && _random.Next(10) < 4)
            {
                ns.SameNamespace = true;
                required.Add(new(ns.Name, "allow-same-namespace", "same-namespace", egressDeny
                    ? "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress:\n    - from:\n        - podSelector: {}\n  egress:\n    - to:\n        - podSelector: {}\n"
                    : "  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector: {}\n"));
            }

            // Allow policies only where a default deny makes them necessary: an allow policy in an open namespace
            // would isolate the pods it selects, which owners of open namespaces do not do.
            foreach (var web in ns.Workloads.Where(w => ingressDeny && w.Tier == "frontend"))
            {
                var peer = _random.Next(2) == 0
                    ? "        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}\n" +
                      "          podSelector:\n            matchLabels: {app.kubernetes.io/name: ingress-nginx}\n"
                    : "        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}\n";
                required.Add(new(ns.Name, $"{web.Name}-from-ingress", "from-ingress-controller",
                    $"  podSelector:\n    matchLabels: {{app: {web.Name}}}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n{peer}      ports:\n        - port: http\n"));
            }

            // Prometheus scrapes every pod's metrics port (selected by an expression: every pod with a tier).
            required.AddRange(ingressDeny ? [new(ns.Name, "allow-prometheus-scrape", "monitoring-scrape", """
                  podSelector:
                    matchExpressions:
                      - {key: tier, operator: Exists}
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: monitoring}
                          podSelector:
                            matchLabels: {app.kubernetes.io/name: prometheus}
                      ports:
                        - port: metrics

                """)] : []);

            // Internet and corporate egress: one policy per namespace for the workloads that need it, selected by an
            // opt-in label or by a list of app names.
            var internet = ns.Workloads.Where(w => egressDeny && w.Internet).ToList();
            if (internet.Count > 0)
            {
                var v6 = _random.Next(8) == 0
                    ? "    - to:\n        - ipBlock:\n            cidr: ::/0\n            except: [fc00::/7, fe80::/10, 2001:db8::/32]\n      ports:\n        - {protocol: TCP, port: 443}\n"
                    : string.Empty;
                required.Add(new(ns.Name, "allow-internet-egress", v6.Length > 0 ? "internet-egress-ipv4-ipv6" : "internet-egress",
                    OptIn(internet, "egress.example.com/internet") + """
                      policyTypes: [Egress]
                      egress:
                        - to:
                            - ipBlock:
                                cidr: 0.0.0.0/0
                                except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.169.254/32]
                          ports:
                            - {protocol: TCP, port: 443}

                    """ + v6));
            }

            var corporate = ns.Workloads.Where(w => egressDeny && w.Corporate).ToList();
            if (corporate.Count > 0)
            {
                required.Add(new(ns.Name, "allow-corporate-egress", "corporate-egress-range", OptIn(corporate, "egress.example.com/corporate") + """
                      policyTypes: [Egress]
                      egress:
                        - to:
                            - ipBlock:
                                cidr: 10.20.0.0/16
                                except: [10.20.5.0/24, 10.20.99.0/24]
                            - ipBlock:
                                cidr: 10.30.0.0/16
                          ports:
                            - {protocol: TCP, port: 1521, endPort: 1530}
                            - {protocol: TCP, port: 636}

                    """));
            }

            if (_random.Next(20) == 0)
            {
                // A label typo: selects nothing.
                var target = ns.Workloads[_random.Next(ns.Workloads.Count)];
                var original = target.Name;
                var typo = original[2] != original[3] ? original[..2] + original[3] + original[2] + original[4..] : original.Remove(3, 1);
                required.Add(new(ns.Name, $"{target.Name}-ingress-old", "selects-nothing",
                    $"  podSelector:\n    matchLabels: {{app: {typo}}}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector: {{}}\n"));
            }

            AppPolicies(ns, ingressDeny, egressDeny, apps, fillers);
        }

        Shuffle(apps);
        Shuffle(fillers);
        _policies.AddRange(required.Concat(apps).Concat(fillers).Take(budget));
        for (var i = 0; _policies.Count < budget; i++)
        {
            // Only for tiny clusters with a big budget: duplicate scrape allows under new names.
            var source = _policies[i];
            _policies.Add(new(source.Namespace, $"{source.Name}-copy-{i}", source.Shape, source.Body));
        }
    }

    private void AppPolicies(Ns ns, bool ingressDeny, bool egressDeny, List<Policy> apps, List<Policy> fillers)
    {
        foreach (var server in ns.Workloads.Where(w => w.Service is not null))
        {
            var clients = _namespaces.SelectMany(n => n.Workloads).Where(c => c.Calls.Any(call => call.Server == server))
                .Where(c => !(ns.SameNamespace && c.Namespace == ns.Name)).ToList();
            if (ingressDeny && clients.Count > 0)
            {
                var text = new StringBuilder($"  podSelector:\n    matchLabels: {{app: {server.Name}}}\n  policyTypes: [Ingress]\n  ingress:\n");
                var shape = "app-ingress";
                foreach (var group in clients.GroupBy(c => c.Calls.First(call => call.Server == server).Port))
                {
                    text.Append("    - from:\n");
                    foreach (var c in group)
                    {
                        text.Append(Peer(c, ns.Name, ref shape));
                    }

                    text.Append("      ports:\n");
                    text.Append(PortEntry(server, group.Key, ref shape));
                }

                apps.Add(new(ns.Name, $"{server.Name}-ingress", shape, text.ToString()));
            }

            // Fillers: per-workload scrape allows narrower than the namespace-wide one, and a port range for debug ports.
            if (!ingressDeny)
            {
                continue;
            }

            fillers.Add(new(ns.Name, $"{server.Name}-metrics", "metrics-ingress-numeric", $"""
                  podSelector:
                    matchLabels: {"{"}app: {server.Name}{"}"}
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchExpressions:
                              - {"{"}key: kubernetes.io/metadata.name, operator: In, values: [monitoring, logging]{"}"}
                      ports:
                        - {"{"}protocol: TCP, port: {server.Ports[^1].Number}{"}"}

                """));
        }

        foreach (var w in ns.Workloads)
        {
            // Fillers: log shipping to Loki, peer traffic between the replicas of data stores, and debugger access
            // from the VPN range; each only where the namespace's default deny calls for it.
            if (ingressDeny && w.Ports.Count > 0)
            {
                fillers.Add(new(ns.Name, $"{w.Name}-debug-from-vpn", "ingress-from-ipblock-port-range", $"""
                      podSelector:
                        matchLabels: {"{"}app: {w.Name}{"}"}
                      policyTypes: [Ingress]
                      ingress:
                        - from:
                            - ipBlock:
                                cidr: 10.8.0.0/16
                                except: [10.8.255.0/24]
                          ports:
                            - {"{"}protocol: TCP, port: 5005, endPort: 5010{"}"}

                    """));
            }

            if (!egressDeny)
            {
                continue;
            }

            fillers.Add(new(ns.Name, $"{w.Name}-to-loki", "egress-to-platform", $"""
                  podSelector:
                    matchLabels: {"{"}app: {w.Name}{"}"}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels: {"{"}kubernetes.io/metadata.name: logging{"}"}
                          podSelector:
                            matchLabels: {"{"}app: loki{"}"}
                      ports:
                        - {"{"}protocol: TCP, port: 3100{"}"}

                """));
            if (ingressDeny && w.Tier == "data")
            {
                fillers.Add(new(ns.Name, $"{w.Name}-replication", "same-app-peers", $"""
                      podSelector:
                        matchLabels: {"{"}app: {w.Name}{"}"}
                      ingress:
                        - from:
                            - podSelector:
                                matchLabels: {"{"}app: {w.Name}{"}"}
                      egress:
                        - to:
                            - podSelector:
                                matchLabels: {"{"}app: {w.Name}{"}"}

                    """));
            }
        }

        if (!egressDeny)
        {
            return;
        }

        foreach (var client in ns.Workloads.Where(w => w.Calls.Count > 0))
        {
            var calls = client.Calls.Where(c => !(ns.SameNamespace && c.Server.Namespace == ns.Name)).ToList();
            if (calls.Count == 0)
            {
                continue;
            }

            var text = new StringBuilder($"  podSelector:\n    matchLabels: {{app: {client.Name}}}\n  policyTypes: [Egress]\n  egress:\n");
            var shape = "app-egress";
            foreach (var (server, port) in calls)
            {
                text.Append("    - to:\n");
                text.Append(Peer(server, ns.Name, ref shape));
                text.Append("      ports:\n");
                text.Append(PortEntry(server, port, ref shape));
            }

            apps.Add(new(ns.Name, $"{client.Name}-egress", shape, text.ToString()));
        }
    }

    /// <summary>The podSelector of a policy for some workloads: an opt-in label they carry, or their app names.</summary>
    private string OptIn(List<Workload> workloads, string label)
    {
        if (_random.Next(3) == 0)
        {
            return "  podSelector:\n    matchExpressions:\n      - {key: app, operator: In, values: [" + string.Join(", ", workloads.Select(w => w.Name)) + "]}\n";
        }

        foreach (var w in workloads)
        {
            w.Labels[label] = "allowed";
        }

        return $"  podSelector:\n    matchLabels: {{{label}: allowed}}\n";
    }

    /// <summary>A from/to peer for a workload seen from a policy in <paramref name="policyNamespace"/>.</summary>
    private string Peer(Workload w, string policyNamespace, ref string shape)
    {
        if (w.Namespace == policyNamespace)
        {
            return $"        - podSelector:\n            matchLabels: {{app: {w.Name}}}\n";
        }

        var ns = _namespaces.First(n => n.Name == w.Namespace);
        switch (_random.Next(4))
        {
            case 0:
                // By team and environment labels, with expressions.
                shape = "cross-namespace-match-expressions";
                return "        - namespaceSelector:\n            matchExpressions:\n" +
                    $"              - {{key: team, operator: In, values: [{ns.Team}]}}\n" +
                    "              - {key: env, operator: NotIn, values: [dev, qa]}\n" +
                    $"          podSelector:\n            matchLabels: {{app: {w.Name}}}\n            matchExpressions:\n              - {{key: tier, operator: Exists}}\n";
            default:
                shape = "cross-namespace-pod-and-namespace";
                return $"        - namespaceSelector:\n            matchLabels: {{kubernetes.io/metadata.name: {w.Namespace}}}\n" +
                    $"          podSelector:\n            matchLabels: {{app: {w.Name}}}\n";
        }
    }

    private string PortEntry(Workload server, string portName, ref string shape)
    {
        var port = server.Ports.First(p => p.Name == portName);
        switch (_random.Next(6))
        {
            case 0:
                shape += shape.Contains("+port-range", StringComparison.Ordinal) ? string.Empty : "+port-range";
                return $"        - {{protocol: TCP, port: {port.Number}, endPort: {port.Number + 9}}}\n";
            case 1:
            case 2:
                return $"        - {{protocol: TCP, port: {port.Number}}}\n";
            default:
                shape += shape.Contains("+named-port", StringComparison.Ordinal) ? string.Empty : "+named-port";
                return $"        - port: {port.Name}\n";
        }
    }

    private void PlatformPolicies(Ns ns, List<Policy> required)
    {
        switch (ns.Name)
        {
            case "ingress-nginx":
                required.Add(new(ns.Name, "controller-from-anywhere", "ingress-from-ipblock", """
                      podSelector:
                        matchLabels: {app.kubernetes.io/name: ingress-nginx}
                      policyTypes: [Ingress]
                      ingress:
                        - from:
                            - ipBlock: {cidr: 0.0.0.0/0}
                            - ipBlock: {cidr: "::/0"}
                          ports:
                            - {protocol: TCP, port: http}
                            - {protocol: TCP, port: https}
                        - from:
                            - ipBlock: {cidr: 10.0.0.0/8}
                          ports:
                            - {port: webhook}

                    """));
                break;
            case "monitoring":
                required.Add(new(ns.Name, "prometheus-scrape-everything", "monitoring-egress", """
                      podSelector:
                        matchLabels: {app.kubernetes.io/name: prometheus}
                      policyTypes: [Egress]
                      egress:
                        - to:
                            - namespaceSelector: {}
                          ports:
                            - port: metrics
                            - {protocol: TCP, port: 9090}
                            - {protocol: TCP, port: 9100, endPort: 9200}
                        - to:
                            - ipBlock:
                                cidr: 10.0.0.0/8
                                except: [10.20.0.0/16]
                          ports:
                            - {protocol: TCP, port: 10250}

                    """));
                required.Add(new(ns.Name, "grafana-from-corporate", "ingress-from-ipblock", """
                      podSelector:
                        matchLabels: {app: grafana}
                      policyTypes: [Ingress, Egress]
                      ingress:
                        - from:
                            - ipBlock:
                                cidr: 10.20.0.0/16
                                except: [10.20.5.0/24]
                            - namespaceSelector:
                                matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
                          ports:
                            - port: http
                      egress:
                        - to:
                            - podSelector:
                                matchLabels: {app.kubernetes.io/name: prometheus}
                          ports:
                            - port: web

                    """));
                required.Add(new(ns.Name, "alertmanager-mesh", "same-namespace", """
                      podSelector:
                        matchLabels: {app: alertmanager}
                      ingress:
                        - from:
                            - podSelector:
                                matchLabels: {app: alertmanager}
                            - podSelector:
                                matchLabels: {app.kubernetes.io/name: prometheus}
                      egress:
                        - to:
                            - podSelector:
                                matchLabels: {app: alertmanager}
                          ports:
                            - {protocol: TCP, port: 9094}
                            - {protocol: UDP, port: 9094}
                        - to:
                            - ipBlock:
                                cidr: 0.0.0.0/0
                                except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
                          ports:
                            - {protocol: TCP, port: 443}

                    """));
                break;
            case "logging":
                required.Add(new(ns.Name, "loki-from-everywhere", "namespace-selector-all", """
                      podSelector:
                        matchLabels: {app: loki}
                      policyTypes: [Ingress]
                      ingress:
                        - from:
                            - namespaceSelector: {}
                          ports:
                            - port: http
                            - port: grpc

                    """));
                break;
            case "cert-manager":
                required.Add(new(ns.Name, "cert-manager-egress", "internet-egress", """
                      podSelector:
                        matchExpressions:
                          - {key: app, operator: In, values: [cert-manager, cert-manager-webhook]}
                      policyTypes: [Egress]
                      egress:
                        - to:
                            - ipBlock:
                                cidr: 0.0.0.0/0
                                except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
                            - ipBlock:
                                cidr: 2000::/3
                          ports:
                            - {protocol: TCP, port: 443}
                        - to:
                            - ipBlock: {cidr: 10.96.0.1/32}
                          ports:
                            - {protocol: TCP, port: 443}
                            - {protocol: TCP, port: 6443}

                    """));
                break;
        }
    }

    private void Shuffle(List<Policy> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    // ---------------------------------------------------------------- YAML

    private static string NamespaceYaml(Ns ns)
    {
        var text = new StringBuilder($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns.Name}\n  labels:\n");
        foreach (var (key, value) in ns.Labels)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {key}: {value}\n");
        }

        return text.ToString();
    }

    private string WorkloadsYaml(Ns ns, NetpolCorpusStats stats)
    {
        var text = new StringBuilder();
        foreach (var w in ns.Workloads)
        {
            if (text.Length > 0)
            {
                text.Append("---\n");
            }

            var labels = "{" + string.Join(", ", w.Labels.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
            var selectorKey = w.Labels.ContainsKey("app") ? "app" : "k8s-app";
            var selector = $"{{{selectorKey}: {w.Labels[selectorKey]}}}";
            // The pod spec's fields at the indentation of a Deployment's template (a CronJob's is 4 deeper).
            var podSpec = new StringBuilder();
            if (w.HostNetwork)
            {
                podSpec.Append("      hostNetwork: true\n");
            }

            podSpec.Append(CultureInfo.InvariantCulture, $"      containers:\n        - name: {w.Name}\n");
            podSpec.Append(CultureInfo.InvariantCulture, $"          image: registry.example.com/{ns.Team}/{w.Name}:1.{_random.Next(30)}.{_random.Next(10)}\n");
            podSpec.Append("          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n");
            if (w.Ports.Count > 0)
            {
                podSpec.Append("          ports:\n");
                foreach (var p in w.Ports)
                {
                    var protocol = p.Protocol == "TCP" && _random.Next(2) == 0 ? string.Empty : ", protocol: " + p.Protocol;
                    podSpec.Append(CultureInfo.InvariantCulture, $"            - {{name: {p.Name}, containerPort: {p.Number}{protocol}}}\n");
                }
            }

            if (w.Kind == "CronJob")
            {
                // The same template, two levels deeper (jobTemplate.spec.template).
                var indented = string.Join("\n", podSpec.ToString().TrimEnd('\n').Split('\n').Select(l => "    " + l)) + "\n";
                text.Append(CultureInfo.InvariantCulture, $"""
                    apiVersion: batch/v1
                    kind: CronJob
                    metadata:
                      name: {w.Name}
                      namespace: {ns.Name}
                    spec:
                      schedule: "{_random.Next(60)} {_random.Next(24)} * * *"
                      jobTemplate:
                        spec:
                          template:
                            metadata:
                              labels: {labels}
                            spec:
                              restartPolicy: OnFailure

                    """);
                text.Append(indented);
            }
            else
            {
                var apiVersion = "apps/v1";
                var replicas = w.Kind == "DaemonSet" ? string.Empty : $"  replicas: {w.Pods}\n";
                var serviceName = w.Kind == "StatefulSet" ? $"  serviceName: {w.Service ?? w.Name}\n" : string.Empty;
                text.Append(CultureInfo.InvariantCulture, $"apiVersion: {apiVersion}\nkind: {w.Kind}\nmetadata:\n  name: {w.Name}\n  namespace: {ns.Name}\n  labels: {labels}\nspec:\n");
                text.Append(replicas).Append(serviceName);
                text.Append(CultureInfo.InvariantCulture, $"  selector:\n    matchLabels: {selector}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n");
                text.Append(podSpec);
            }

            if (w.Service is not null)
            {
                stats.Services++;
                text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {w.Service}\n  namespace: {ns.Name}\nspec:\n");
                if (w.Kind == "StatefulSet")
                {
                    text.Append("  clusterIP: None\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"  selector: {selector}\n  ports:\n");
                foreach (var p in w.Ports)
                {
                    var servicePort = p.Name == "http" && p.Number == 8080 ? 80 : p.Number;
                    text.Append(CultureInfo.InvariantCulture, $"    - {{name: {p.Name}, port: {servicePort}, targetPort: {p.Name}, protocol: {p.Protocol}}}\n");
                }
            }
        }

        return text.ToString();
    }

    // ---------------------------------------------------------------- model

    private Ns AddNamespace(string name, string team, string env, bool platform, Deny deny)
    {
        var ns = new Ns(name, team, env, platform, deny);
        ns.Labels["team"] = team;
        ns.Labels["env"] = env;
        if (_random.Next(2) == 0)
        {
            ns.Labels["kubernetes.io/metadata.name"] = name; // as `kubectl get ns -o yaml` shows it; the other half rely on the automatic label
        }

        var psa = platform ? (name is "kube-system" or "monitoring" or "logging" ? "privileged" : "baseline") : _random.Next(10) switch
        {
            < 5 => "restricted",
            < 7 => "baseline",
            _ => null,
        };
        if (psa is not null)
        {
            ns.Labels["pod-security.kubernetes.io/enforce"] = psa;
        }

        if (PciTeams.Contains(team))
        {
            ns.Labels["compliance.example.com/zone"] = "pci";
        }

        _namespaces.Add(ns);
        return ns;
    }

    private Workload AddWorkload(Ns ns, string name, string kind, int pods, string tier, List<Port> ports, string? service)
    {
        var w = new Workload(ns.Name, name, kind, pods, tier, ports) { Service = service };
        w.Labels["app"] = name;
        w.Labels["app.kubernetes.io/name"] = name;
        w.Labels["app.kubernetes.io/part-of"] = ns.Team;
        w.Labels["tier"] = tier;
        ns.Workloads.Add(w);
        return w;
    }

    private sealed record Port(string Name, int Number, string Protocol);

    private sealed record Policy(string Namespace, string Name, string Shape, string Body)
    {
        public string Yaml => $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {Name}\n  namespace: {Namespace}\nspec:\n{Body}";
    }

    private sealed class Ns(string name, string team, string env, bool platform, Deny deny)
    {
        public string Name { get; } = name;

        public string Team { get; } = team;

        public string Env { get; } = env;

        public bool Platform { get; } = platform;

        public Deny Deny { get; } = deny;

        public bool SameNamespace { get; set; }

        public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

        public List<Workload> Workloads { get; } = [];
    }

    private sealed class Workload(string ns, string name, string kind, int pods, string tier, List<Port> ports)
    {
        public string Namespace { get; } = ns;

        public string Name { get; } = name;

        public string Kind { get; } = kind;

        /// <summary>Pods it runs: replicas, one per node for a DaemonSet, one running Job for a CronJob.</summary>
        public int Pods { get; } = pods;

        public string Tier { get; } = tier;

        public List<Port> Ports { get; } = ports;

        public string? Service { get; init; }

        public bool HostNetwork { get; set; }

        public bool Internet { get; set; }

        public bool Corporate { get; set; }

        public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

        public List<(Workload Server, string Port)> Calls { get; } = [];
    }
}
