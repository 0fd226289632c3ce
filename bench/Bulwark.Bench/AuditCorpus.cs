using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Bench;

/// <summary>What the audit log generator wrote.</summary>
internal sealed class AuditCorpusStats
{
    public long Events { get; set; }

    public long Bytes { get; set; }

    public long Requests { get; set; }

    public long AttackEvents { get; set; }

    public int Incidents { get; set; }

    public long RequestLevelEvents { get; set; }

    public Dictionary<string, long> EventsByStage { get; set; } = [];

    public Dictionary<string, long> RequestsByKind { get; set; } = [];
}

/// <summary>
/// Writes a realistic, deterministic audit log (one audit.k8s.io/v1 Event per line) of a cluster of 60 nodes: kubelets
/// requesting projected tokens, renewing their leases, watching the secrets and config maps of their pods and
/// patching status; leader election; kube-proxy and controllers listing and watching; Prometheus scraping; health
/// probes; events; the ReplicaSet controller creating pods (logged at Request, with the pod spec) and deleting them;
/// Argo CD patching Deployments. About 30% of requests also log RequestReceived, watches log ResponseStarted. Every
/// 50,000 events or so, the incident of examples/audit (the attack lines of incident.audit.jsonl: stolen tokens,
/// privileged pod, exec, cluster-admin binding, webhooks, CSRs, bulk secret reads, anonymous access...) is replayed
/// with fresh audit IDs at its original pace, interleaved with the benign traffic. See bench/README.md.
/// </summary>
internal sealed class AuditCorpus
{
    private const int Nodes = 60;
    private const string AttackAddress = "203.0.113.50";
    private static readonly DateTime Start = new(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);

    private static readonly string[] AppNamespaces = ["shop", "payments", "search", "checkout", "catalog", "web", "orders", "billing", "analytics", "auth"];
    private static readonly string[] Apps = ["api", "web", "worker", "cache", "db-proxy", "frontend", "scheduler", "indexer"];
    private static readonly string[] Controllers = ["replicaset-controller", "deployment-controller", "endpointslice-controller", "daemon-set-controller", "job-controller", "statefulset-controller", "namespace-controller", "garbage-collector"];
    private static readonly string[] NodeGroups = ["system:nodes", "system:authenticated"];
    private static readonly string[] SaGroups = ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"];
    private static readonly string[] AuthGroups = ["system:authenticated"];
    private static readonly string[] AnonGroups = ["system:unauthenticated"];

    private readonly Random _random;
    private readonly List<(TimeSpan Offset, JsonObject Event)> _incident;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly PriorityQueue<byte[], DateTime> _pending = new();
    private DateTime _clock = Start;
    private long _ids;

    public AuditCorpus(int seed, string incidentLog)
    {
        _random = new Random(seed);
        _json = new Utf8JsonWriter(_buffer);
        _incident = LoadIncident(incidentLog);
    }

    public AuditCorpusStats Stats { get; } = new();

    /// <summary>The attack lines of the incident example, with their offsets from the first one.</summary>
    private static List<(TimeSpan, JsonObject)> LoadIncident(string path)
    {
        var attacks = new List<JsonObject>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var e = JsonNode.Parse(line)!.AsObject();
            var ips = e["sourceIPs"]!.AsArray();
            var user = e["user"]?["username"]?.GetValue<string>() ?? string.Empty;
            if (ips[^1]!.GetValue<string>() == AttackAddress || user == "system:anonymous")
            {
                attacks.Add(e);
            }
        }

        var first = Time(attacks[0]);
        return attacks.Select(a => (Time(a) - first, a)).ToList();

        static DateTime Time(JsonObject e) => DateTime.Parse(e["requestReceivedTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
    }

    public int IncidentEvents => _incident.Count;

    /// <summary>Writes <paramref name="events"/> events to a file.</summary>
    public AuditCorpusStats Write(string path, long events)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var nextIncident = 20_000L;
        while (Stats.Events < events)
        {
            if (Stats.Events >= nextIncident && events - Stats.Events > _incident.Count * 2)
            {
                ScheduleIncident();
                nextIncident += 50_000;
            }

            _clock += TimeSpan.FromTicks((long)(_random.NextDouble() * 2 * TimeSpan.TicksPerMillisecond * 10));
            while (_pending.TryPeek(out _, out var at) && at <= _clock && Stats.Events < events)
            {
                Emit(file, _pending.Dequeue());
                Stats.AttackEvents++;
            }

            foreach (var e in Request())
            {
                if (Stats.Events >= events)
                {
                    break;
                }

                Emit(file, e);
            }
        }

        Stats.Bytes = file.Length;
        return Stats;
    }

    private void Emit(FileStream file, byte[] line)
    {
        file.Write(line);
        file.WriteByte((byte)'\n');
        Stats.Events++;
    }

    private void ScheduleIncident()
    {
        Stats.Incidents++;
        var start = _clock + TimeSpan.FromSeconds(1);
        foreach (var (offset, template) in _incident)
        {
            var e = template.DeepClone().AsObject();
            var at = start + offset;
            var original = DateTime.Parse(template["stageTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
                - DateTime.Parse(template["requestReceivedTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            e["auditID"] = $"{template["auditID"]!.GetValue<string>()[..24]}{Stats.Incidents:x4}{_ids++ & 0xFFFFFFFF:x8}";
            e["requestReceivedTimestamp"] = Stamp(at);
            e["stageTimestamp"] = Stamp(at + original);
            _pending.Enqueue(Encoding.UTF8.GetBytes(e.ToJsonString()), at);
        }
    }

    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed record Shape(string Kind, string Verb, string User, string[] Groups, string Ip, string Agent, string? Resource, string Group, string? Namespace, string? Name, string? Sub, int Code, string? Path, bool LongRunning, string Level = "Metadata");

    /// <summary>The events of one benign request: RequestReceived (30% of requests), ResponseStarted for watches, ResponseComplete.</summary>
    private IEnumerable<byte[]> Request()
    {
        var s = NextShape();
        Stats.Requests++;
        Stats.RequestsByKind[s.Kind] = Stats.RequestsByKind.GetValueOrDefault(s.Kind) + 1;
        var id = AuditId();
        var received = _clock;
        if (_random.NextDouble() < 0.3)
        {
            yield return Event(s, id, "RequestReceived", received, received, withBodies: false);
        }

        if (s.LongRunning)
        {
            yield return Event(s, id, "ResponseStarted", received, received + TimeSpan.FromMilliseconds(2), withBodies: false);
        }

        var latency = s.Verb == "watch" ? TimeSpan.FromMinutes(5 + _random.Next(5)) : TimeSpan.FromMilliseconds(1 + _random.Next(30));
        yield return Event(s, id, "ResponseComplete", received, received + latency, withBodies: true);
    }

    private Shape NextShape()
    {
        var node = _random.Next(1, Nodes + 1);
        var nodeUser = $"system:node:worker-{node}";
        var nodeIp = $"10.0.1.{node}";
        const string Kubelet = "kubelet/v1.34.2 (linux/amd64) kubernetes/abc1234";
        var ns = AppNamespaces[_random.Next(AppNamespaces.Length)];
        var app = Apps[_random.Next(Apps.Length)];
        var pod = $"{app}-{_random.Next(0x10000, 0xFFFFF):x5}-{_random.Next(0x10000, 0xFFFFF):x5}";
        var r = _random.Next(1000);
        return r switch
        {
            < 200 => new("kubelet token", "create", nodeUser, NodeGroups, nodeIp, Kubelet, "serviceaccounts", "", ns, app, "token", 201, null, false),
            < 340 => new("node lease", "update", nodeUser, NodeGroups, nodeIp, Kubelet, "leases", "coordination.k8s.io", "kube-node-lease", $"worker-{node}", null, 200, null, false),
            < 380 => Leader(),
            < 470 => new("kubelet watch", "watch", nodeUser, NodeGroups, nodeIp, Kubelet, _random.Next(2) == 0 ? "secrets" : "configmaps", "", ns, null, null, 200, null, true),
            < 520 => new("kube-proxy watch", "watch", "system:kube-proxy", AuthGroups, nodeIp, "kube-proxy/v1.34.2 (linux/amd64) kubernetes/abc1234", _random.Next(2) == 0 ? "endpointslices" : "services", _random.Next(2) == 0 ? "discovery.k8s.io" : "", null, null, null, 200, null, true),
            < 580 => Controller("watch", true),
            < 680 => Controller("list", false),
            < 720 => new("prometheus list", "list", "system:serviceaccount:monitoring:prometheus", ["system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"], "10.244.3.9", "Prometheus/2.53.0", _random.Next(2) == 0 ? "pods" : "endpoints", "", ns, null, null, 200, null, false),
            < 780 => new("kubelet get", "get", nodeUser, NodeGroups, nodeIp, Kubelet, "nodes", "", null, $"worker-{node}", null, 200, null, false),
            < 850 => new("status patch", "patch", nodeUser, NodeGroups, nodeIp, Kubelet, _random.Next(3) == 0 ? "nodes" : "pods", "", _random.Next(3) == 0 ? null : ns, _random.Next(3) == 0 ? $"worker-{node}" : pod, "status", 200, null, false, "Request"),
            < 910 => new("event create", "create", _random.Next(2) == 0 ? nodeUser : "system:serviceaccount:kube-system:" + Controllers[_random.Next(Controllers.Length)], _random.Next(2) == 0 ? NodeGroups : SaGroups, nodeIp, Kubelet, "events", "", ns, null, null, 201, null, false),
            < 950 => new("health probe", "get", "system:anonymous", AnonGroups, $"10.0.2.{_random.Next(1, 5)}", "kube-probe/1.34", null, "", null, null, null, 200, _random.Next(3) switch { 0 => "/healthz", 1 => "/livez", _ => "/readyz" }, false),
            < 965 => new("discovery", "get", "system:serviceaccount:kube-system:" + Controllers[_random.Next(Controllers.Length)], SaGroups, "10.0.0.2", "kube-controller-manager/v1.34.2 (linux/amd64) kubernetes/abc1234/system:serviceaccount:kube-system:generic-garbage-collector", null, "", null, null, null, 200, _random.Next(2) == 0 ? "/api" : "/apis", false),
            < 985 => new("pod create", "create", "system:serviceaccount:kube-system:replicaset-controller", SaGroups, "10.0.0.2", "kube-controller-manager/v1.34.2 (linux/amd64) kubernetes/abc1234/system:serviceaccount:kube-system:replicaset-controller", "pods", "", ns, pod, null, 201, null, false, "Request"),
            < 992 => new("pod delete", "delete", "system:serviceaccount:kube-system:replicaset-controller", SaGroups, "10.0.0.2", "kube-controller-manager/v1.34.2 (linux/amd64) kubernetes/abc1234/system:serviceaccount:kube-system:replicaset-controller", "pods", "", ns, pod, null, 200, null, false),
            _ => new("argocd patch", "patch", "system:serviceaccount:argocd:argocd-application-controller", ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"], "10.244.7.3", "argocd-application-controller/v2.12.0", "deployments", "apps", ns, app, null, 200, null, false, "Request"),
        };
    }

    private Shape Leader()
    {
        var who = _random.Next(2) == 0 ? "kube-scheduler" : "kube-controller-manager";
        return new("leader election", _random.Next(3) == 0 ? "get" : "update", "system:" + who, AuthGroups, "10.0.0.2", $"{who}/v1.34.2 (linux/amd64) kubernetes/abc1234/leader-election", "leases", "coordination.k8s.io", "kube-system", who, null, 200, null, false);
    }

    private Shape Controller(string verb, bool longRunning)
    {
        var controller = Controllers[_random.Next(Controllers.Length)];
        var (resource, group) = _random.Next(5) switch
        {
            0 => ("pods", ""),
            1 => ("replicasets", "apps"),
            2 => ("deployments", "apps"),
            3 => ("endpointslices", "discovery.k8s.io"),
            _ => ("nodes", ""),
        };
        return new("controller " + verb, verb, "system:serviceaccount:kube-system:" + controller, SaGroups, "10.0.0.2",
            "kube-controller-manager/v1.34.2 (linux/amd64) kubernetes/abc1234/system:serviceaccount:kube-system:" + controller,
            resource, group, null, null, null, 200, null, longRunning);
    }

    private string AuditId()
    {
        var a = _random.NextInt64();
        var b = _random.NextInt64();
        var hex = $"{a:x16}{b:x16}";
        return $"{hex[..8]}-{hex[8..12]}-4{hex[13..16]}-8{hex[17..20]}-{hex[20..32]}";
    }

    private byte[] Event(Shape s, string id, string stage, DateTime received, DateTime at, bool withBodies)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        var w = _json;
        w.WriteStartObject();
        w.WriteString("kind", "Event");
        w.WriteString("apiVersion", "audit.k8s.io/v1");
        w.WriteString("level", s.Level);
        w.WriteString("auditID", id);
        w.WriteString("stage", stage);
        w.WriteString("requestURI", Uri(s));
        w.WriteString("verb", s.Verb);
        w.WriteStartObject("user");
        w.WriteString("username", s.User);
        w.WriteStartArray("groups");
        foreach (var g in s.Groups)
        {
            w.WriteStringValue(g);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("sourceIPs");
        w.WriteStringValue(s.Ip);
        w.WriteEndArray();
        w.WriteString("userAgent", s.Agent);
        if (s.Resource is not null)
        {
            w.WriteStartObject("objectRef");
            w.WriteString("resource", s.Resource);
            if (s.Namespace is not null)
            {
                w.WriteString("namespace", s.Namespace);
            }

            if (s.Name is not null)
            {
                w.WriteString("name", s.Name);
            }

            w.WriteString("apiGroup", s.Group);
            w.WriteString("apiVersion", "v1");
            if (s.Sub is not null)
            {
                w.WriteString("subresource", s.Sub);
            }

            w.WriteEndObject();
        }

        if (stage != "RequestReceived")
        {
            w.WriteStartObject("responseStatus");
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteNumber("code", s.Code);
            w.WriteEndObject();
        }

        if (withBodies && s.Level != "Metadata")
        {
            Stats.RequestLevelEvents++;
            WriteBody(w, s);
        }

        w.WriteString("requestReceivedTimestamp", Stamp(received));
        w.WriteString("stageTimestamp", Stamp(at));
        w.WriteStartObject("annotations");
        w.WriteString("authorization.k8s.io/decision", "allow");
        w.WriteString("authorization.k8s.io/reason", s.User.StartsWith("system:node:", StringComparison.Ordinal) ? string.Empty : "RBAC: allowed by ClusterRoleBinding \"system:controller\" of ClusterRole \"system:controller\" to ServiceAccount");
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        Stats.EventsByStage[stage] = Stats.EventsByStage.GetValueOrDefault(stage) + 1;
        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteBody(Utf8JsonWriter w, Shape s)
    {
        w.WriteStartObject("requestObject");
        switch (s.Kind)
        {
            case "pod create":
                w.WriteString("kind", "Pod");
                w.WriteString("apiVersion", "v1");
                w.WriteStartObject("metadata");
                w.WriteString("generateName", s.Name![..(s.Name!.LastIndexOf('-') + 1)]);
                w.WriteString("namespace", s.Namespace);
                w.WriteStartObject("labels");
                w.WriteString("app", s.Name.Split('-')[0]);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartObject("spec");
                w.WriteString("serviceAccountName", s.Name.Split('-')[0]);
                w.WriteStartObject("securityContext");
                w.WriteBoolean("runAsNonRoot", true);
                w.WriteNumber("runAsUser", 10001);
                w.WriteStartObject("seccompProfile");
                w.WriteString("type", "RuntimeDefault");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartArray("containers");
                for (var i = 0; i < 1 + _random.Next(2); i++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", i == 0 ? "app" : "sidecar");
                    w.WriteString("image", $"registry.example.com/{s.Namespace}/{s.Name.Split('-')[0]}:1.{_random.Next(40)}.{_random.Next(10)}");
                    w.WriteStartArray("ports");
                    w.WriteStartObject();
                    w.WriteNumber("containerPort", 8080 + i);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartObject("resources");
                    w.WriteStartObject("requests");
                    w.WriteString("cpu", "100m");
                    w.WriteString("memory", "128Mi");
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteStartObject("securityContext");
                    w.WriteBoolean("allowPrivilegeEscalation", false);
                    w.WriteBoolean("readOnlyRootFilesystem", true);
                    w.WriteStartObject("capabilities");
                    w.WriteStartArray("drop");
                    w.WriteStringValue("ALL");
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("volumes");
                w.WriteStartObject();
                w.WriteString("name", "config");
                w.WriteStartObject("configMap");
                w.WriteString("name", s.Name.Split('-')[0] + "-config");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case "argocd patch":
                w.WriteStartObject("spec");
                w.WriteStartObject("template");
                w.WriteStartObject("metadata");
                w.WriteStartObject("annotations");
                w.WriteString("argocd.argoproj.io/tracking-id", $"{s.Namespace}:apps/Deployment:{s.Namespace}/{s.Name}");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("status");
                w.WriteStartArray("conditions");
                w.WriteStartObject();
                w.WriteString("type", "Ready");
                w.WriteString("status", "True");
                w.WriteString("lastHeartbeatTime", Stamp(_clock)[..19] + "Z");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    private static string Uri(Shape s)
    {
        if (s.Path is not null)
        {
            return s.Path;
        }

        var path = s.Group.Length == 0 ? "/api/v1" : $"/apis/{s.Group}/v1";
        if (s.Namespace is not null)
        {
            path += "/namespaces/" + s.Namespace;
        }

        path += "/" + s.Resource;
        if (s.Name is not null && s.Verb is not ("create" or "list" or "watch") || s.Sub is not null)
        {
            path += "/" + s.Name;
        }

        if (s.Sub is not null)
        {
            path += "/" + s.Sub;
        }

        return s.Verb switch
        {
            "watch" => path + "?allowWatchBookmarks=true&resourceVersion=" + (1_000_000 + (s.Name?.Length ?? 7)).ToString(CultureInfo.InvariantCulture) + "&watch=true",
            "list" => path + "?limit=500",
            _ => path,
        };
    }
}
