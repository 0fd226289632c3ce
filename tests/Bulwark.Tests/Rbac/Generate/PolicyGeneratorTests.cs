using System.Text.Json;
using Bulwark.Audit;
using Bulwark.Engine;
using Bulwark.Loading;
using Bulwark.Rbac.Generate;
using Xunit;

namespace Bulwark.Tests.Rbac.Generate;

/// <summary>Hand-written audit events in, expected roles out.</summary>
public sealed class PolicyGeneratorTests
{
    private const string Sa = "system:serviceaccount:shop:sync";
    private static readonly AuditSubject Subject = AuditSubject.ServiceAccount("shop", "sync");
    private static int _ids;

    /// <summary>One ResponseComplete event as the log backend writes it (Metadata level).</summary>
    private static string Ev(string verb, string? resource = null, string ns = "", string name = "", string group = "", string sub = "",
        string user = Sa, string? uri = null, int code = 200, string? decision = null, string? impersonate = null, string[]? impersonateGroups = null,
        string stage = "ResponseComplete", string? id = null, string time = "2025-06-02T02:00:00.5Z")
    {
        var e = new Dictionary<string, object?>
        {
            ["kind"] = "Event",
            ["apiVersion"] = "audit.k8s.io/v1",
            ["level"] = "Metadata",
            ["auditID"] = id ?? $"id-{Interlocked.Increment(ref _ids)}",
            ["stage"] = stage,
            ["requestURI"] = uri ?? "/apis/x",
            ["verb"] = verb,
            ["user"] = new { username = user, groups = new[] { "system:authenticated" } },
            ["stageTimestamp"] = time,
        };
        if (resource is not null)
        {
            e["objectRef"] = new { resource, subresource = sub, @namespace = ns, name, apiGroup = group };
        }

        if (impersonate is not null)
        {
            e["impersonatedUser"] = new { username = impersonate, groups = impersonateGroups ?? ["system:authenticated"] };
        }

        if (stage != "RequestReceived")
        {
            e["responseStatus"] = new { code };
            e["annotations"] = new Dictionary<string, string> { ["authorization.k8s.io/decision"] = decision ?? (code == 403 ? "forbid" : "allow") };
        }

        return JsonSerializer.Serialize(e);
    }

    private static GeneratedPolicy Generate(AuditSubject subject, GenerateOptions? options, params string[] lines)
    {
        var generator = new PolicyGenerator(subject, options);
        foreach (var entry in AuditEventReader.Read(new StringReader(string.Join("\n", lines)), "audit.log"))
        {
            Assert.Null(entry.Error);
            generator.Add(entry.Event!);
        }

        return generator.Build();
    }

    private static GeneratedPolicy Generate(params string[] lines) => Generate(Subject, null, lines);

    /// <summary>A rule as one line: groups|resources|names|verbs or urls|verbs.</summary>
    private static List<string> Rules(GeneratedRole role) => role.Rules
        .Select(r => r.NonResourceUrls.Count > 0
            ? $"urls {string.Join(",", r.NonResourceUrls)} | {string.Join(",", r.Verbs)}"
            : $"{string.Join(",", r.ApiGroups.Select(g => g.Length == 0 ? "core" : g))} | {string.Join(",", r.Resources)} | {string.Join(",", r.ResourceNames)} | {string.Join(",", r.Verbs)}")
        .ToList();

    [Fact]
    public void Should_Keep_Names_Where_The_Authorizer_Sees_Them()
    {
        var policy = Generate(
            Ev("get", "configmaps", "shop", "settings"),
            Ev("update", "configmaps", "shop", "state"),
            Ev("get", "configmaps", "shop", "state"),
            Ev("create", "configmaps", "shop", "made-by-create"), // the name comes from the body: not seen by the authorizer
            Ev("list", "pods", "shop"),
            Ev("watch", "pods", "shop"),
            Ev("list", "secrets", "shop", "tls"),                 // metadata.name field selector: the authorizer sees the name
            Ev("deletecollection", "jobs", "shop", "x", "batch"),
            Ev("get", "jobs", "shop", "nightly", "batch"));

        var role = Assert.Single(policy.Roles);
        Assert.Equal(("Role", "shop", "bulwark:shop:sync"), (role.Kind, role.Namespace, role.Name));
        Assert.Equal(
        [
            "core | configmaps |  | create",
            "core | configmaps | settings | get",
            "core | configmaps | state | get,update",
            "core | pods |  | list,watch",
            "core | secrets | tls | list",
            "batch | jobs |  | deletecollection",
            "batch | jobs | nightly | get",
        ], Rules(role));
    }

    [Fact]
    public void Should_Grant_Every_Name_Above_The_Threshold_Or_When_A_Request_Had_None()
    {
        var names = Enumerable.Range(1, 6).Select(i => Ev("get", "configmaps", "shop", $"cm-{i}")).ToArray();
        var policy = Generate([.. names, Ev("get", "secrets", "shop", "a"), Ev("get", "secrets", "shop")]);

        Assert.Equal(["core | configmaps,secrets |  | get"], Rules(policy.Roles[0]));
        Assert.Contains(policy.Notes, n => n.Contains("6 names used, more than 5", StringComparison.Ordinal));

        var wider = Generate(Subject, new GenerateOptions { MaxResourceNames = 6 }, names);
        Assert.Equal(["core | configmaps | cm-1,cm-2,cm-3,cm-4,cm-5,cm-6 | get"], Rules(wider.Roles[0]));
    }

    [Fact]
    public void Should_Generate_Subresources_As_Their_Own_Resources_With_The_Parent_Name()
    {
        var policy = Generate(
            Ev("get", "pods", "shop", "web-0", sub: "log"),
            Ev("create", "pods", "shop", "web-0", sub: "exec"),   // create on a subresource carries the pod's name
            Ev("get", "pods", "shop", "web-0"),
            Ev("update", "deployments", "shop", "web", "apps", "scale"));

        Assert.Equal(
        [
            "core | pods,pods/log | web-0 | get",
            "core | pods/exec | web-0 | create",
            "apps | deployments/scale | web | update",
        ], Rules(policy.Roles[0]));
        Assert.Contains(policy.Roles[0].Rules, r => r.Warnings.Any(w => w.Contains("pods/exec", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_Put_Cluster_Scoped_Requests_And_Urls_In_A_ClusterRole_And_Namespaces_In_Roles()
    {
        var policy = Generate(
            Ev("get", "nodes", name: "worker-1"),
            Ev("list", "namespaces"),
            Ev("get", "namespaces", "team-a", "team-a"),   // a request on a Namespace object carries its namespace
            Ev("list", "pods"),                            // all namespaces
            Ev("get", uri: "/metrics"),
            Ev("get", uri: "/healthz/etcd?verbose=1"),
            Ev("post", uri: "/logs/audit"),
            Ev("get", uri: "/apis/apps/v1"),               // discovery: the default roles allow it to everyone
            Ev("create", "selfsubjectaccessreviews", group: "authorization.k8s.io"),
            Ev("get", "configmaps", "team-b", "cfg"),
            Ev("get", "configmaps", "team-a", "cfg"));

        Assert.Equal(["bulwark:shop:sync ClusterRole", "bulwark:shop:sync Role team-a", "bulwark:shop:sync Role team-b"],
            policy.Roles.Select(r => $"{r.Name} {r.Kind}{(r.Namespace is null ? string.Empty : " " + r.Namespace)}"));
        Assert.Equal(
        [
            "core | namespaces,pods |  | list",
            "core | nodes | worker-1 | get",
            "urls /healthz/etcd,/metrics | get",
            "urls /logs/audit | post",
        ], Rules(policy.Roles[0]));
        Assert.Equal(["core | configmaps | cfg | get", "core | namespaces | team-a | get"], Rules(policy.Roles[1]));
        Assert.Equal(["core | configmaps | cfg | get"], Rules(policy.Roles[2]));
        Assert.Equal(2, policy.Counts.CoveredByDefaultRoles);

        var all = Generate(Subject, new GenerateOptions { IncludeDefaultGrants = true }, Ev("get", uri: "/apis/apps/v1"));
        Assert.Equal(["urls /apis/apps/v1 | get"], Rules(all.Roles[0]));
    }

    [Fact]
    public void Should_Skip_Cluster_Scoped_Requests_When_Namespace_Scoped()
    {
        var policy = Generate(Subject, new GenerateOptions { NamespaceScoped = true },
            Ev("get", "configmaps", "shop", "cfg"),
            Ev("list", "pods"),
            Ev("get", uri: "/metrics"));

        Assert.Equal("Role", Assert.Single(policy.Roles).Kind);
        Assert.Equal(["get /metrics (1 request)", "list pods cluster-wide (1 request)"], policy.Skipped);
        Assert.Contains("#   list pods cluster-wide (1 request)", PolicyWriter.ToYaml(policy, ["audit.log"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Count_Each_Request_Once_Across_Stages()
    {
        var policy = Generate(
            Ev("watch", "configmaps", "shop", stage: "RequestReceived", id: "w"),
            Ev("watch", "configmaps", "shop", stage: "ResponseStarted", id: "w"),
            Ev("watch", "configmaps", "shop", stage: "ResponseComplete", id: "w"),
            Ev("get", "secrets", "shop", "open-watch", stage: "RequestReceived", id: "still-open"), // log ends before it completes
            Ev("get", "pods", "shop", "p", stage: "RequestReceived", id: ""),                      // no auditID: only ResponseComplete counts
            Ev("get", "pods", "shop", "p", id: ""));

        Assert.Equal(3, policy.Counts.Requests);
        Assert.Equal(3, policy.Counts.ExtraStages);
        Assert.Equal(["core | configmaps |  | watch", "core | pods | p | get", "core | secrets | open-watch | get"], Rules(policy.Roles[0]));
    }

    [Fact]
    public void Should_Include_Denied_Requests_With_A_Mark_Unless_Allowed_Only()
    {
        string[] events =
        [
            Ev("get", "configmaps", "shop", "settings"),
            Ev("get", "secrets", "shop", "db", code: 403),
            Ev("create", "pods", "shop", code: 403, decision: "allow"), // admission said no: authorization allowed it
            Ev("get", "pods", "shop", "p", code: 401),
        ];

        var policy = Generate(events);
        Assert.Equal((4, 2, 1, 1), (policy.Counts.Requests, policy.Counts.Allowed, policy.Counts.Denied, policy.Counts.LeftOut));
        Assert.Equal(["core | configmaps | settings | get", "core | pods |  | create", "core | secrets | db | get"], Rules(policy.Roles[0]));
        var secrets = policy.Roles[0].Rules.Single(r => r.ResourceNames.Contains("db"));
        Assert.Equal(["get secrets db in namespace shop (first at audit.log:2)"], secrets.DeniedRequests);

        var allowedOnly = Generate(Subject, new GenerateOptions { AllowedOnly = true }, events);
        Assert.Equal(["core | configmaps | settings | get", "core | pods |  | create"], Rules(allowedOnly.Roles[0]));
    }

    [Fact]
    public void Should_Attribute_Impersonated_Requests_To_The_Impersonated_User_And_Impersonate_To_The_Caller()
    {
        string[] events =
        [
            Ev("get", "configmaps", "shop", "settings", user: "alice", impersonate: Sa, impersonateGroups: ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"]),
            Ev("list", "pods", "web", user: "alice", impersonate: "bob", impersonateGroups: ["ops", "system:authenticated"]),
            Ev("get", "pods", "web", "p", user: "alice"),
        ];

        var sync = Generate(Subject, null, events);
        Assert.Equal(["core | configmaps | settings | get"], Rules(Assert.Single(sync.Roles)));

        var alice = Generate(AuditSubject.User("alice"), null, events);
        Assert.Equal(["bulwark:alice ClusterRole", "bulwark:alice Role shop", "bulwark:alice Role web"],
            alice.Roles.Select(r => $"{r.Name} {r.Kind}{(r.Namespace is null ? string.Empty : " " + r.Namespace)}"));
        Assert.Equal(["core | groups | ops | impersonate", "core | users | bob | impersonate"], Rules(alice.Roles[0]));
        Assert.Equal(["core | serviceaccounts | sync | impersonate"], Rules(alice.Roles[1]));
        Assert.Equal(["core | pods | p | get"], Rules(alice.Roles[2]));
        Assert.All(alice.Roles[0].Rules.Concat(alice.Roles[1].Rules), r => Assert.Contains(r.Warnings, w => w.StartsWith("impersonate", StringComparison.Ordinal)));

        var yaml = PolicyWriter.ToYaml(alice, ["audit.log"]);
        Assert.Contains("  # WARNING: impersonate lets the subject act as another identity", yaml, StringComparison.Ordinal);
        Assert.Contains("  - kind: User\n    apiGroup: rbac.authorization.k8s.io\n    name: alice\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_Deterministic_Yaml_With_Header_And_Bindings()
    {
        string[] events =
        [
            Ev("get", "configmaps", "shop", "settings", time: "2025-06-02T02:00:00Z"),
            Ev("patch", "configmaps", "shop", "state", time: "2025-06-02T03:30:00.25Z"),
            Ev("get", uri: "/metrics", time: "2025-06-02T02:10:00Z"),
            Ev("get", "pods", "shop", "p", user: "someone-else"),
        ];

        var yaml = PolicyWriter.ToYaml(Generate(events), ["audit.log"]);
        Assert.Equal(yaml, PolicyWriter.ToYaml(Generate(events.Reverse().ToArray()), ["audit.log"]).Replace(":4)", ":1)", StringComparison.Ordinal));
        var expected = """
            # Least-privilege RBAC for ServiceAccount shop/sync (user system:serviceaccount:shop:sync), generated by `bulwark rbac generate` from audit events.
            # Audit log: audit.log
            # Time range: 2025-06-02T02:00:00Z to 2025-06-02T03:30:00.25Z
            # Requests of the subject: 3 (3 allowed, 0 denied by the authorizer); each counted once across its logged stages (0 more events).
            # Events of other identities ignored: 1.
            # Denied requests are included (they show what the subject needs) and marked on their rule; review before applying:
            # the log shows only what happened in its time range, so rarely used code paths may be missing.
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: "bulwark:shop:sync"
            rules:
              - nonResourceURLs: ["/metrics"]
                verbs: ["get"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: "bulwark:shop:sync"
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: "bulwark:shop:sync"
            subjects:
              - kind: ServiceAccount
                name: sync
                namespace: shop
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: "bulwark:shop:sync"
              namespace: shop
            rules:
              - apiGroups: [""]
                resources: ["configmaps"]
                resourceNames: ["settings"]
                verbs: ["get"]
              - apiGroups: [""]
                resources: ["configmaps"]
                resourceNames: ["state"]
                verbs: ["patch"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: "bulwark:shop:sync"
              namespace: shop
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: "bulwark:shop:sync"
            subjects:
              - kind: ServiceAccount
                name: sync
                namespace: shop

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), yaml);
    }

    [Fact]
    public void Should_Generate_Yaml_That_Scans_Without_Rbac_Findings_For_A_Normal_Workload()
    {
        var policy = Generate(
            Ev("get", "configmaps", "shop", "settings"),
            Ev("list", "configmaps", "shop"),
            Ev("watch", "configmaps", "shop"),
            Ev("get", "secrets", "shop", "db-credentials"),
            Ev("create", "events", "shop"),
            Ev("patch", "events", "shop", "e1"),
            Ev("get", "leases", "shop", "sync-leader", "coordination.k8s.io"),
            Ev("update", "leases", "shop", "sync-leader", "coordination.k8s.io"),
            Ev("create", "leases", "shop", group: "coordination.k8s.io"),
            Ev("create", "jobs", "shop", group: "batch"),
            Ev("get", "pods", "shop", "sync-0", sub: "log"),
            Ev("list", "nodes"),
            Ev("get", uri: "/metrics"));

        var yaml = PolicyWriter.ToYaml(policy, ["audit.log"]);
        var load = new ManifestLoader().LoadText(yaml, "generated.yaml");
        Assert.Empty(load.Errors);
        var result = new Scanner().Scan(load);
        Assert.Equal(4, load.Objects.Count);
        var rbacFindings = result.Findings.Where(f => f.Rule.StartsWith("rbac-", StringComparison.Ordinal)).Select(f => $"{f.Rule}: {f.Message}").ToList();
        Assert.True(rbacFindings.Count == 0, string.Join("\n", rbacFindings));
        Assert.DoesNotContain("\"*\"", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Parse_Subjects()
    {
        Assert.True(AuditSubject.TryParse("serviceaccount:shop:order-sync", out var sa, out _));
        Assert.Equal(("ServiceAccount", "order-sync", "shop", "system:serviceaccount:shop:order-sync"), (sa.Kind, sa.Name, sa.Namespace, sa.Username));
        Assert.True(AuditSubject.TryParse("user:alice@example.com", out var user, out _));
        Assert.Equal(("User", "alice@example.com"), (user.Kind, user.Username));
        Assert.True(AuditSubject.TryParse("user:system:serviceaccount:a:b", out var named, out _));
        Assert.True(named.IsServiceAccount);
        Assert.False(AuditSubject.TryParse("serviceaccount:shop", out _, out var error));
        Assert.Contains("serviceaccount:NAMESPACE:NAME", error, StringComparison.Ordinal);
        Assert.False(AuditSubject.TryParse("group:ops", out _, out _));
    }
}
