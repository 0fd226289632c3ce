using System.Text;
using System.Text.Json;

namespace Bulwark.Bench;

/// <summary>What was written: counts by kind and by file format, and the total size.</summary>
internal sealed class CorpusStats
{
    public int Objects { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    public int YamlFiles { get; set; }

    public int JsonFiles { get; set; }

    public int ListFiles { get; set; }

    public SortedDictionary<string, int> Kinds { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Writes a deterministic (seeded) synthetic corpus of Kubernetes manifests shaped like a real platform
/// repository: mostly multi-document YAML, some JSON files and some <c>kind: List</c> files, a realistic mix of
/// workloads (1-3 containers, sometimes init containers, hardened or not), services, config, RBAC, network
/// policies, namespaces and a few custom resources.
/// </summary>
internal sealed class CorpusGenerator
{
    public const string MarkerFile = ".bulwark-bench";

    private static readonly string[] Teams = ["payments", "checkout", "search", "identity", "billing", "catalog", "media", "platform", "data", "ml", "edge", "ops"];
    private static readonly string[] Apps = ["api", "web", "worker", "gateway", "cache", "indexer", "scheduler", "proxy", "auth", "exporter", "sync", "mailer", "resizer", "ingest", "ledger", "notifier"];
    private static readonly string[] Registries = ["", "docker.io/library/", "ghcr.io/acme/", "registry.acme.internal/", "quay.io/acme/", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/"];
    private static readonly string[] BaseImages = ["nginx", "redis", "postgres", "busybox", "alpine", "python", "node", "golang", "envoy", "haproxy", "app"];
    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];
    private static readonly string[] Resources = ["pods", "services", "configmaps", "secrets", "deployments", "jobs", "events", "endpoints", "pods/log", "pods/exec"];
    private static readonly string[] EnvNames = ["LOG_LEVEL", "PORT", "REGION", "FEATURE_FLAGS", "DB_HOST", "DB_USER", "CACHE_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "JAVA_OPTS", "TZ", "WORKERS", "TIMEOUT"];
    private static readonly string[] Capabilities = ["NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "NET_BIND_SERVICE", "CHOWN"];

    // Kind weights per 1,000 objects.
    private static readonly (string Kind, int Weight)[] Mix =
    [
        ("Deployment", 150), ("StatefulSet", 40), ("DaemonSet", 25), ("CronJob", 30), ("Job", 25), ("Pod", 40),
        ("Service", 140), ("ConfigMap", 140), ("ServiceAccount", 110), ("Role", 50), ("ClusterRole", 25),
        ("RoleBinding", 50), ("ClusterRoleBinding", 25), ("NetworkPolicy", 70), ("Namespace", 20), ("Secret", 25),
        ("Rollout", 10), ("Certificate", 15), ("ServiceMonitor", 10),
    ];

    private readonly Random _random;
    private readonly int _totalWeight = Mix.Sum(m => m.Weight);
    private int _serial;

    public CorpusGenerator(int seed) => _random = new Random(seed);

    public CorpusStats Write(string dir, int objects, int files)
    {
        PrepareDirectory(dir);
        var stats = new CorpusStats();
        files = Math.Max(1, Math.Min(files, objects));
        var sb = new StringBuilder(1 << 20);
        for (var f = 0; f < files; f++)
        {
            var count = objects / files + (f < objects % files ? 1 : 0);
            var team = Teams[f % Teams.Length];
            var ns = $"{team}-{f % 40}";
            var items = new List<Map>(count);
            for (var i = 0; i < count; i++)
            {
                var obj = MakeObject(ns, team);
                items.Add(obj);
                var kind = (string)obj.First(e => e.Key == "kind").Value!;
                stats.Kinds[kind] = stats.Kinds.GetValueOrDefault(kind) + 1;
            }

            // Subfolders, as repositories have them (one per team).
            var sub = Path.Combine(dir, team);
            Directory.CreateDirectory(sub);
            string path;
            sb.Clear();
            if (f % 20 == 7)
            {
                path = Path.Combine(sub, $"{ns}-{f:D5}.json");
                WriteJson(sb, items);
                stats.JsonFiles++;
                stats.ListFiles += items.Count > 1 ? 1 : 0;
            }
            else if (f % 20 == 13)
            {
                path = Path.Combine(sub, $"{ns}-{f:D5}-list.yaml");
                var list = new Map { { "apiVersion", "v1" }, { "kind", "List" }, { "metadata", new Map() }, { "items", items.Cast<object?>().ToList() } };
                Emit.Yaml(sb, list, 0);
                stats.YamlFiles++;
                stats.ListFiles++;
            }
            else
            {
                path = Path.Combine(sub, $"{ns}-{f:D5}.{(f % 9 == 4 ? "yml" : "yaml")}");
                WriteMultiDocument(sb, items, f);
                stats.YamlFiles++;
            }

            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            File.WriteAllBytes(path, bytes);
            stats.Bytes += bytes.Length;
            stats.Objects += count;
            stats.Files++;
        }

        return stats;
    }

    private static void PrepareDirectory(string dir)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            if (!File.Exists(Path.Combine(dir, MarkerFile)))
            {
                throw new InvalidOperationException($"{dir} exists, is not empty and was not written by the benchmark; refusing to overwrite it");
            }

            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, MarkerFile), "corpus written by bench/Bulwark.Bench; safe to delete\n");
    }

    private void WriteMultiDocument(StringBuilder sb, List<Map> items, int fileIndex)
    {
        if (fileIndex % 5 == 0)
        {
            sb.Append("# Generated by the Bulwark benchmark: synthetic manifests for team services.\n");
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0 || fileIndex % 3 == 0)
            {
                sb.Append("---\n");
            }

            if (_random.Next(10) == 0)
            {
                sb.Append("# Source: charts/").Append(((string)items[i][1].Value!).ToLowerInvariant()).Append("/templates/resource-").Append(i).Append(".yaml\n");
            }

            Emit.Yaml(sb, items[i], 0);
        }
    }

    private static void WriteJson(StringBuilder sb, List<Map> items)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (items.Count == 1)
            {
                Emit.Json(w, items[0]);
            }
            else
            {
                var list = new Map { { "apiVersion", "v1" }, { "kind", "List" }, { "metadata", new Map { { "resourceVersion", "" } } }, { "items", items.Cast<object?>().ToList() } };
                Emit.Json(w, list);
            }
        }

        sb.Append(Encoding.UTF8.GetString(stream.ToArray())).Append('\n');
    }

    private Map MakeObject(string ns, string team)
    {
        var roll = _random.Next(_totalWeight);
        var kind = Mix[^1].Kind;
        foreach (var (k, weight) in Mix)
        {
            if (roll < weight)
            {
                kind = k;
                break;
            }

            roll -= weight;
        }

        var app = Pick(Apps);
        var name = $"{team}-{app}-{_serial++}";
        return kind switch
        {
            "Deployment" => Workload("apps/v1", kind, name, ns, team, app, withReplicas: true),
            "StatefulSet" => StatefulSet(name, ns, team, app),
            "DaemonSet" => Workload("apps/v1", kind, name, ns, team, app, withReplicas: false),
            "CronJob" => CronJob(name, ns, team, app),
            "Job" => Job(name, ns, team, app),
            "Pod" => Pod(name, ns, team, app),
            "Service" => Service(name, ns, team, app),
            "ConfigMap" => ConfigMap(name, ns, team, app),
            "Secret" => Secret(name, ns, team, app),
            "ServiceAccount" => ServiceAccount(name, ns, team, app),
            "Role" => Role("Role", name, ns, team, app),
            "ClusterRole" => Role("ClusterRole", name, null, team, app),
            "RoleBinding" => Binding("RoleBinding", name, ns, team, app),
            "ClusterRoleBinding" => Binding("ClusterRoleBinding", name, null, team, app),
            "NetworkPolicy" => NetworkPolicy(name, ns, team, app),
            "Namespace" => Namespace(name, team),
            "Rollout" => Rollout(name, ns, team, app),
            "Certificate" => Certificate(name, ns, team, app),
            _ => ServiceMonitor(name, ns, team, app),
        };
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private bool Chance(int percent) => _random.Next(100) < percent;

    private static Map Header(string apiVersion, string kind) => new() { { "apiVersion", apiVersion }, { "kind", kind } };

    private Map Metadata(string name, string? ns, string team, string app, bool annotations = false)
    {
        var meta = new Map { { "name", name } };
        if (ns is not null && !Chance(5))
        {
            meta.Add("namespace", ns);
        }

        meta.Add("labels", Labels(team, app, name));
        if (annotations || Chance(30))
        {
            var ann = new Map { { "owner", $"{team}@acme.example" } };
            if (Chance(40))
            {
                ann.Add("meta.helm.sh/release-name", team);
                ann.Add("meta.helm.sh/release-namespace", ns ?? "default");
            }

            if (Chance(10))
            {
                ann.Add("ignore.bulwark.dev/host-network", "legacy node agent, ticket OPS-" + _random.Next(1000, 9999));
            }

            meta.Add("annotations", ann);
        }

        return meta;
    }

    private Map Labels(string team, string app, string name)
    {
        var labels = new Map
        {
            { "app.kubernetes.io/name", app },
            { "app.kubernetes.io/instance", name },
            { "app.kubernetes.io/part-of", team },
        };
        if (Chance(60))
        {
            labels.Add("app.kubernetes.io/managed-by", Chance(50) ? "Helm" : "kustomize");
        }

        if (Chance(30))
        {
            labels.Add("version", $"v{_random.Next(1, 5)}.{_random.Next(0, 20)}.{_random.Next(0, 10)}");
        }

        return labels;
    }

    private Map Workload(string apiVersion, string kind, string name, string ns, string team, string app, bool withReplicas)
    {
        var obj = Header(apiVersion, kind);
        obj.Add("metadata", Metadata(name, ns, team, app));
        var spec = new Map();
        if (withReplicas)
        {
            spec.Add("replicas", _random.Next(1, 6));
            if (Chance(30))
            {
                spec.Add("revisionHistoryLimit", 5);
            }

            if (Chance(40))
            {
                spec.Add("strategy", new Map { { "type", "RollingUpdate" }, { "rollingUpdate", new Map { { "maxSurge", "25%" }, { "maxUnavailable", 0 } } } });
            }
        }

        spec.Add("selector", new Map { { "matchLabels", new Map { { "app.kubernetes.io/name", app }, { "app.kubernetes.io/instance", name } } } });
        spec.Add("template", Template(name, team, app, restartNever: false));
        obj.Add("spec", spec);
        return obj;
    }

    private Map StatefulSet(string name, string ns, string team, string app)
    {
        var obj = Workload("apps/v1", "StatefulSet", name, ns, team, app, withReplicas: true);
        var spec = (Map)obj[^1].Value!;
        spec.Insert(0, new("serviceName", name));
        spec.Add("volumeClaimTemplates", new List<object?>
        {
            new Map
            {
                { "metadata", new Map { { "name", "data" } } },
                {
                    "spec", new Map
                    {
                        { "accessModes", new List<object?> { "ReadWriteOnce" } },
                        { "storageClassName", Chance(50) ? "gp3" : "standard" },
                        { "resources", new Map { { "requests", new Map { { "storage", $"{_random.Next(1, 200)}Gi" } } } } },
                    }
                },
            },
        });
        return obj;
    }

    private Map Job(string name, string ns, string team, string app)
    {
        var obj = Header("batch/v1", "Job");
        obj.Add("metadata", Metadata(name, ns, team, app));
        obj.Add("spec", new Map
        {
            { "backoffLimit", _random.Next(0, 6) },
            { "ttlSecondsAfterFinished", 3600 },
            { "template", Template(name, team, app, restartNever: true) },
        });
        return obj;
    }

    private Map CronJob(string name, string ns, string team, string app)
    {
        var obj = Header("batch/v1", "CronJob");
        obj.Add("metadata", Metadata(name, ns, team, app));
        obj.Add("spec", new Map
        {
            { "schedule", $"{_random.Next(0, 60)} {_random.Next(0, 24)} * * *" },
            { "concurrencyPolicy", "Forbid" },
            { "successfulJobsHistoryLimit", 3 },
            { "jobTemplate", new Map { { "spec", new Map { { "backoffLimit", 2 }, { "template", Template(name, team, app, restartNever: true) } } } } },
        });
        return obj;
    }

    private Map Pod(string name, string ns, string team, string app)
    {
        var obj = Header("v1", "Pod");
        obj.Add("metadata", Metadata(name, ns, team, app));
        obj.Add("spec", PodSpec(name, app, restartNever: Chance(50)));
        return obj;
    }

    private Map Rollout(string name, string ns, string team, string app)
    {
        // Argo Rollouts: a CRD shaped spec.template.spec.
        var obj = Workload("argoproj.io/v1alpha1", "Rollout", name, ns, team, app, withReplicas: true);
        var spec = (Map)obj[^1].Value!;
        spec.RemoveAll(e => e.Key == "strategy");
        spec.Add("strategy", new Map
        {
            {
                "canary", new Map
                {
                    { "steps", new List<object?> { new Map { { "setWeight", 20 } }, new Map { { "pause", new Map { { "duration", "10m" } } } }, new Map { { "setWeight", 60 } } } },
                }
            },
        });
        return obj;
    }

    private Map Template(string name, string team, string app, bool restartNever)
    {
        var meta = new Map { { "labels", new Map { { "app.kubernetes.io/name", app }, { "app.kubernetes.io/instance", name }, { "app.kubernetes.io/part-of", team } } } };
        if (Chance(35))
        {
            meta.Add("annotations", new Map
            {
                { "prometheus.io/scrape", "true" },
                { "prometheus.io/port", "9090" },
                { "container.apparmor.security.beta.kubernetes.io/app", Chance(50) ? "runtime/default" : "unconfined" },
            });
        }

        return new Map { { "metadata", meta }, { "spec", PodSpec(name, app, restartNever) } };
    }

    private Map PodSpec(string name, string app, bool restartNever)
    {
        var hardened = Chance(45);
        var spec = new Map();
        if (Chance(80))
        {
            spec.Add("serviceAccountName", Chance(85) ? name : "default");
        }

        if (Chance(25))
        {
            spec.Add("automountServiceAccountToken", Chance(60) ? false : true);
        }

        if (restartNever)
        {
            spec.Add("restartPolicy", Chance(70) ? "Never" : "OnFailure");
        }

        if (Chance(4))
        {
            spec.Add("hostNetwork", true);
            spec.Add("dnsPolicy", "ClusterFirstWithHostNet");
        }

        if (Chance(2))
        {
            spec.Add("hostPID", true);
        }

        if (Chance(1))
        {
            spec.Add("hostIPC", true);
        }

        if (hardened || Chance(30))
        {
            var psc = new Map();
            if (hardened)
            {
                psc.Add("runAsNonRoot", true);
                psc.Add("runAsUser", _random.Next(1000, 65535));
                psc.Add("runAsGroup", _random.Next(1000, 65535));
                psc.Add("fsGroup", 2000);
                psc.Add("seccompProfile", new Map { { "type", "RuntimeDefault" } });
            }
            else
            {
                psc.Add("fsGroup", 1000);
                if (Chance(30))
                {
                    psc.Add("runAsUser", 0);
                }
            }

            spec.Add("securityContext", psc);
        }

        if (Chance(20))
        {
            spec.Add("nodeSelector", new Map { { "kubernetes.io/os", "linux" }, { "node.kubernetes.io/instance-type", "m6i.large" } });
        }

        if (Chance(15))
        {
            spec.Add("tolerations", new List<object?> { new Map { { "key", "dedicated" }, { "operator", "Equal" }, { "value", "batch" }, { "effect", "NoSchedule" } } });
        }

        if (Chance(20))
        {
            spec.Add("initContainers", new List<object?> { Container("init-" + Pick(["migrate", "wait", "chown", "fetch"]), app, hardened, isInit: true) });
        }

        var containers = new List<object?>();
        var count = _random.Next(100) switch { < 65 => 1, < 90 => 2, _ => 3 };
        for (var i = 0; i < count; i++)
        {
            containers.Add(Container(i == 0 ? app : Pick(["sidecar", "proxy", "log-shipper", "metrics"]) + (i > 1 ? "-" + i : string.Empty), app, hardened, isInit: false));
        }

        spec.Add("containers", containers);
        spec.Add("volumes", Volumes(name));
        if (Chance(10))
        {
            spec.Add("terminationGracePeriodSeconds", 60);
        }

        return spec;
    }

    private Map Container(string name, string app, bool hardened, bool isInit)
    {
        var c = new Map { { "name", name }, { "image", Image() } };
        if (Chance(50))
        {
            c.Add("imagePullPolicy", Pick(["IfNotPresent", "Always", "IfNotPresent"]));
        }

        if (isInit || Chance(25))
        {
            c.Add("command", new List<object?> { "/bin/sh", "-c" });
            c.Add("args", new List<object?> { $"echo starting {app} && exec /usr/local/bin/{app} --config /etc/{app}/config.yaml" });
        }

        if (!isInit)
        {
            var ports = new List<object?> { new Map { { "name", "http" }, { "containerPort", Pick([8080, 8443, 3000, 5000, 9000]) }, { "protocol", "TCP" } } };
            if (Chance(40))
            {
                ports.Add(new Map { { "name", "metrics" }, { "containerPort", 9090 } });
            }

            if (Chance(3))
            {
                ports.Add(new Map { { "name", "host" }, { "containerPort", 9100 }, { "hostPort", 9100 } });
            }

            c.Add("ports", ports);
        }

        var env = new List<object?>();
        var envCount = _random.Next(0, 8);
        var envStart = _random.Next(EnvNames.Length);
        for (var i = 0; i < envCount; i++)
        {
            var envName = EnvNames[(envStart + i) % EnvNames.Length];
            env.Add(new Map { { "name", envName }, { "value", Pick(["info", "8080", "eu-west-1", "postgres.db.svc", "true", "30s", "-Xmx512m"]) } });
        }

        if (Chance(30))
        {
            env.Add(new Map { { "name", "DB_PASSWORD" }, { "valueFrom", new Map { { "secretKeyRef", new Map { { "name", app + "-db" }, { "key", "password" } } } } } });
        }

        if (Chance(8))
        {
            env.Add(new Map { { "name", "API_TOKEN" }, { "value", FakeSecret() } });
        }

        if (Chance(20))
        {
            env.Add(new Map { { "name", "POD_NAME" }, { "valueFrom", new Map { { "fieldRef", new Map { { "fieldPath", "metadata.name" } } } } } });
        }

        if (env.Count > 0)
        {
            c.Add("env", env);
        }

        if (Chance(15))
        {
            c.Add("envFrom", new List<object?> { new Map { { "configMapRef", new Map { { "name", app + "-config" } } } } });
        }

        if (Chance(70))
        {
            var resources = new Map { { "requests", new Map { { "cpu", Pick(["50m", "100m", "250m", "500m", "1"]) }, { "memory", Pick(["64Mi", "128Mi", "256Mi", "1Gi"]) } } } };
            if (Chance(60))
            {
                resources.Add("limits", new Map { { "cpu", Pick(["500m", "1", "2"]) }, { "memory", Pick(["256Mi", "512Mi", "2Gi"]) } });
            }

            c.Add("resources", resources);
        }

        c.Add("volumeMounts", new List<object?>
        {
            new Map { { "name", "config" }, { "mountPath", $"/etc/{app}" }, { "readOnly", true } },
            new Map { { "name", "tmp" }, { "mountPath", "/tmp" } },
        });

        if (!isInit && Chance(60))
        {
            c.Add("readinessProbe", new Map { { "httpGet", new Map { { "path", "/healthz" }, { "port", "http" } } }, { "initialDelaySeconds", 5 }, { "periodSeconds", 10 } });
            c.Add("livenessProbe", new Map { { "tcpSocket", new Map { { "port", "http" } } }, { "failureThreshold", 3 } });
        }

        var sc = SecurityContext(hardened);
        if (sc is not null)
        {
            c.Add("securityContext", sc);
        }

        return c;
    }

    private Map? SecurityContext(bool hardened)
    {
        if (hardened && Chance(90))
        {
            return new Map
            {
                { "allowPrivilegeEscalation", false },
                { "readOnlyRootFilesystem", true },
                { "runAsNonRoot", true },
                { "capabilities", new Map { { "drop", new List<object?> { "ALL" } } } },
                { "seccompProfile", new Map { { "type", "RuntimeDefault" } } },
            };
        }

        if (Chance(50))
        {
            return null;
        }

        var sc = new Map();
        if (Chance(15))
        {
            sc.Add("privileged", true);
        }
        else if (Chance(20))
        {
            sc.Add("privileged", false);
        }

        if (Chance(40))
        {
            sc.Add("allowPrivilegeEscalation", Chance(50));
        }

        if (Chance(20))
        {
            sc.Add("runAsUser", 0);
        }

        if (Chance(25))
        {
            sc.Add("capabilities", new Map { { "add", new List<object?> { Pick(Capabilities) } } });
        }

        if (Chance(10))
        {
            sc.Add("procMount", "Unmasked");
        }

        return sc;
    }

    private string Image()
    {
        var image = Pick(Registries) + Pick(BaseImages);
        return _random.Next(10) switch
        {
            0 => image, // no tag
            1 => image + ":latest",
            2 or 3 => image + "@sha256:" + Hex(64),
            4 => image + $":{_random.Next(1, 4)}.{_random.Next(0, 30)}@sha256:" + Hex(64),
            _ => image + $":{_random.Next(1, 4)}.{_random.Next(0, 30)}.{_random.Next(0, 10)}",
        };
    }

    private List<object?> Volumes(string name)
    {
        var volumes = new List<object?>
        {
            new Map { { "name", "config" }, { "configMap", new Map { { "name", name + "-config" } } } },
            new Map { { "name", "tmp" }, { "emptyDir", new Map() } },
        };
        if (Chance(25))
        {
            volumes.Add(new Map { { "name", "creds" }, { "secret", new Map { { "secretName", name + "-creds" }, { "defaultMode", 256 } } } });
        }

        if (Chance(8))
        {
            volumes.Add(new Map { { "name", "host" }, { "hostPath", new Map { { "path", Pick(["/var/run/docker.sock", "/var/log", "/", "/etc", "/proc", "/var/lib/kubelet"]) }, { "type", Pick(["Directory", "Socket", ""]) } } } });
        }

        if (Chance(10))
        {
            volumes.Add(new Map { { "name", "data" }, { "persistentVolumeClaim", new Map { { "claimName", name + "-data" } } } });
        }

        return volumes;
    }

    private Map Service(string name, string ns, string team, string app)
    {
        var obj = Header("v1", "Service");
        obj.Add("metadata", Metadata(name, ns, team, app));
        var type = _random.Next(20) switch { 0 => "NodePort", 1 => "LoadBalancer", _ => "ClusterIP" };
        var port = new Map { { "name", "http" }, { "port", 80 }, { "targetPort", "http" }, { "protocol", "TCP" } };
        if (type == "NodePort")
        {
            port.Add("nodePort", _random.Next(30000, 32768));
        }

        var spec = new Map { { "type", type }, { "selector", new Map { { "app.kubernetes.io/name", app } } }, { "ports", new List<object?> { port } } };
        if (type == "LoadBalancer" && Chance(50))
        {
            spec.Add("loadBalancerSourceRanges", new List<object?> { "10.0.0.0/8" });
        }

        if (Chance(2))
        {
            spec.Add("externalIPs", new List<object?> { "203.0.113.10" });
        }

        obj.Add("spec", spec);
        return obj;
    }

    private Map ConfigMap(string name, string ns, string team, string app)
    {
        var obj = Header("v1", "ConfigMap");
        obj.Add("metadata", Metadata(name + "-config", ns, team, app));
        var data = new Map
        {
            { "LOG_LEVEL", Pick(["debug", "info", "warn"]) },
            { "REGION", "eu-west-1" },
            { "MAX_CONNECTIONS", _random.Next(10, 500).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (Chance(12))
        {
            // Secret-looking values that belong in a Secret.
            data.Add(Pick(["DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "api_key", "GITHUB_TOKEN", "client-secret"]), FakeSecret());
        }

        if (Chance(50))
        {
            data.Add("config.yaml", new Block($"server:\n  port: 8080\n  timeout: 30s\nlogging:\n  level: info\n  format: json\nupstreams:\n  - name: {app}\n    url: http://{app}.{ns}.svc:8080\n"));
        }

        if (Chance(10))
        {
            data.Add("application.properties", new Block($"spring.datasource.url=jdbc:postgresql://db:5432/{app}\nspring.datasource.username={app}\nspring.datasource.password={FakeSecret()}\n"));
        }

        obj.Add("data", data);
        return obj;
    }

    private Map Secret(string name, string ns, string team, string app)
    {
        var obj = Header("v1", "Secret");
        obj.Add("metadata", Metadata(name + "-creds", ns, team, app));
        obj.Add("type", "Opaque");
        obj.Add("data", new Map { { "username", Convert.ToBase64String(Encoding.UTF8.GetBytes(app)) }, { "password", Convert.ToBase64String(Encoding.UTF8.GetBytes(Hex(24))) } });
        return obj;
    }

    private string FakeSecret() => _random.Next(5) switch
    {
        0 => "AKIA" + Hex(16).ToUpperInvariant(),
        1 => "ghp_" + Hex(36),
        2 => "xoxb-" + _random.Next(100000000, 999999999) + "-" + Hex(24),
        3 => "-----BEGIN RSA PRIVATE KEY----- " + Hex(40),
        _ => "P@ss-" + Hex(12),
    };

    private string Hex(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789abcdef"[_random.Next(16)];
        }

        return new string(chars);
    }

    private Map ServiceAccount(string name, string ns, string team, string app)
    {
        var obj = Header("v1", "ServiceAccount");
        obj.Add("metadata", Metadata(name, ns, team, app));
        if (Chance(40))
        {
            obj.Add("automountServiceAccountToken", Chance(70) ? false : true);
        }

        if (Chance(10))
        {
            obj.Add("imagePullSecrets", new List<object?> { new Map { { "name", "registry-creds" } } });
        }

        return obj;
    }

    private Map Role(string kind, string name, string? ns, string team, string app)
    {
        var obj = Header("rbac.authorization.k8s.io/v1", kind);
        obj.Add("metadata", Metadata(name, ns, team, app));
        var rules = new List<object?>();
        var count = _random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var rule = new Map { { "apiGroups", new List<object?> { Pick(["", "apps", "batch", "*"]) } } };
            if (Chance(5))
            {
                rule.Add("resources", new List<object?> { "*" });
                rule.Add("verbs", new List<object?> { "*" });
            }
            else
            {
                rule.Add("resources", new List<object?> { Pick(Resources), Pick(Resources) });
                rule.Add("verbs", Verbs.Take(_random.Next(1, Verbs.Length + 1)).Cast<object?>().ToList());
            }

            if (Chance(10))
            {
                rule.Add("resourceNames", new List<object?> { app + "-lock" });
            }

            rules.Add(rule);
        }

        if (kind == "ClusterRole" && Chance(10))
        {
            rules.Add(new Map { { "nonResourceURLs", new List<object?> { "/metrics" } }, { "verbs", new List<object?> { "get" } } });
        }

        obj.Add("rules", rules);
        return obj;
    }

    private Map Binding(string kind, string name, string? ns, string team, string app)
    {
        var obj = Header("rbac.authorization.k8s.io/v1", kind);
        obj.Add("metadata", Metadata(name, ns, team, app));
        var roleKind = kind == "ClusterRoleBinding" || Chance(30) ? "ClusterRole" : "Role";
        var roleName = Chance(5) ? "cluster-admin" : Chance(10) ? Pick(["admin", "edit", "view"]) : $"{team}-{app}-{_random.Next(Math.Max(1, _serial))}";
        obj.Add("roleRef", new Map { { "apiGroup", "rbac.authorization.k8s.io" }, { "kind", roleKind }, { "name", roleName } });
        var subjects = new List<object?> { new Map { { "kind", "ServiceAccount" }, { "name", $"{team}-{app}-{_random.Next(Math.Max(1, _serial))}" }, { "namespace", ns ?? team + "-0" } } };
        if (Chance(10))
        {
            subjects.Add(new Map { { "kind", "Group" }, { "apiGroup", "rbac.authorization.k8s.io" }, { "name", Chance(20) ? "system:authenticated" : team + "-devs" } });
        }

        obj.Add("subjects", subjects);
        return obj;
    }

    private Map NetworkPolicy(string name, string ns, string team, string app)
    {
        var obj = Header("networking.k8s.io/v1", "NetworkPolicy");
        obj.Add("metadata", Metadata(name, ns, team, app));
        var spec = new Map();
        if (Chance(25))
        {
            spec.Add("podSelector", new Map());
            spec.Add("policyTypes", new List<object?> { "Ingress", "Egress" });
        }
        else
        {
            spec.Add("podSelector", new Map { { "matchLabels", new Map { { "app.kubernetes.io/name", app } } } });
            spec.Add("policyTypes", new List<object?> { "Ingress" });
            spec.Add("ingress", new List<object?>
            {
                new Map
                {
                    { "from", new List<object?> { new Map { { "namespaceSelector", new Map { { "matchLabels", new Map { { "kubernetes.io/metadata.name", ns } } } } } }, new Map { { "ipBlock", new Map { { "cidr", Chance(10) ? "0.0.0.0/0" : "10.0.0.0/8" } } } } } },
                    { "ports", new List<object?> { new Map { { "protocol", "TCP" }, { "port", 8080 } } } },
                },
            });
        }

        obj.Add("spec", spec);
        return obj;
    }

    private Map Namespace(string name, string team)
    {
        var obj = Header("v1", "Namespace");
        var labels = new Map { { "kubernetes.io/metadata.name", name }, { "team", team } };
        switch (_random.Next(4))
        {
            case 0:
                labels.Add("pod-security.kubernetes.io/enforce", "restricted");
                labels.Add("pod-security.kubernetes.io/enforce-version", "latest");
                break;
            case 1:
                labels.Add("pod-security.kubernetes.io/enforce", "baseline");
                labels.Add("pod-security.kubernetes.io/warn", "restricted");
                break;
            case 2:
                labels.Add("pod-security.kubernetes.io/enforce", "privileged");
                break;
        }

        obj.Add("metadata", new Map { { "name", name }, { "labels", labels } });
        return obj;
    }

    private Map Certificate(string name, string ns, string team, string app)
    {
        var obj = Header("cert-manager.io/v1", "Certificate");
        obj.Add("metadata", Metadata(name, ns, team, app));
        obj.Add("spec", new Map
        {
            { "secretName", name + "-tls" },
            { "dnsNames", new List<object?> { $"{app}.{team}.acme.example", $"{app}.{ns}.svc" } },
            { "issuerRef", new Map { { "name", "letsencrypt" }, { "kind", "ClusterIssuer" } } },
            { "duration", "2160h" },
        });
        return obj;
    }

    private Map ServiceMonitor(string name, string ns, string team, string app)
    {
        var obj = Header("monitoring.coreos.com/v1", "ServiceMonitor");
        obj.Add("metadata", Metadata(name, ns, team, app));
        obj.Add("spec", new Map
        {
            { "selector", new Map { { "matchLabels", new Map { { "app.kubernetes.io/name", app } } } } },
            { "endpoints", new List<object?> { new Map { { "port", "metrics" }, { "interval", "30s" }, { "path", "/metrics" } } } },
        });
        return obj;
    }
}
