using System.Text.Json;
using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>Field values, with the k8saudit plugin's semantics (spec/AUDIT.md 1.1) and Bulwark's additions.</summary>
public sealed class FieldTests
{
    private const string PodBody = """
        "requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"web-"},"spec":{
          "securityContext":{"runAsUser":1000},
          "hostNetwork":true,
          "containers":[
            {"name":"web","image":"registry.local:5000/shop/web:1.2","securityContext":{"privileged":false,"capabilities":{"add":["NET_ADMIN","SYS_TIME"]}},"ports":[{"containerPort":8080},{"containerPort":9090,"hostPort":19090}],"command":["/bin/web","--port=8080"]},
            {"name":"side","image":"docker.io/library/nginx@sha256:abcd","securityContext":{"runAsUser":0,"runAsGroup":3000,"allowPrivilegeEscalation":true}}
          ],
          "initContainers":[{"name":"init","image":"busybox:1.36","securityContext":{"privileged":true}}],
          "volumes":[{"name":"docker","hostPath":{"path":"/var/run/docker.sock","type":"Socket"}},{"name":"cfg","configMap":{"name":"x"}},{"name":"etc","hostPath":{"path":"/etc/"}},{"name":"fv","flexVolume":{"driver":"example/lvm"}}]}}
        """;

    private static readonly string Pod = Event(verb: "create", name: null, level: "RequestResponse", extra: PodBody.ReplaceLineEndings(string.Empty) +
        ",\"responseObject\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-x7k2p\",\"namespace\":\"shop\"}}");

    private static object? Value(string field, string json, string? argument = null)
    {
        using var doc = JsonDocument.Parse(json);
        var table = new FieldTable();
        var r = table.Get(FieldRegistry.Find(field)!, argument, out var error);
        Assert.Null(error);
        var ctx = new EvalContext(table);
        ctx.Reset(doc.RootElement);
        return ctx.Get(r!);
    }

    private static string[] List(string field, string json, string? argument = null) =>
        Assert.IsType<string[]>(Value(field, json, argument));

    [Fact]
    public void Image_Repository_Is_Cut_At_The_First_Colon_Then_At_The_First_At()
    {
        // Falco's quirk: a registry port cuts the repository at the host; a digest is cut at '@'.
        Assert.Equal(["registry.local", "docker.io/library/nginx"], List("ka.req.pod.containers.image.repository", Pod));
        Assert.Equal("nginx", FieldRegistry.Repository("nginx"));
        Assert.Equal("docker.io/library/nginx", FieldRegistry.Repository("docker.io/library/nginx:1.27"));
        Assert.Equal("quay.io/x/y", FieldRegistry.Repository("quay.io/x/y@sha256:00"));
    }

    [Fact]
    public void Containers_Init_And_Ephemeral_Containers_Are_Kept_Apart()
    {
        Assert.Equal(["false"], List("ka.req.pod.containers.privileged", Pod)); // the side container has no privileged field: no value
        Assert.Equal(["true"], List("ka.req.pod.initcontainers.privileged", Pod));
        Assert.Equal(["true"], List("ka.req.pod.initContainers.privileged", Pod));
        Assert.Equal(["registry.local:5000/shop/web:1.2", "docker.io/library/nginx@sha256:abcd"], List("ka.req.pod.containers.image", Pod));
        Assert.Equal(["busybox:1.36"], List("ka.req.pod.initcontainers.image", Pod));
        Assert.Null(Value("ka.req.pod.ephemeralcontainers.image", Pod));
        Assert.Equal(["web", "side"], List("ka.req.pod.containers.name", Pod));
    }

    [Fact]
    public void Effective_Run_As_User_Merges_The_Pod_Default_And_Is_Zero_When_Unset()
    {
        Assert.Equal(["1000", "0"], List("ka.req.pod.containers.eff_run_as_user", Pod)); // web inherits 1000, side sets 0
        Assert.Equal(["0"], List("ka.req.pod.containers.run_as_user", Pod)); // only side sets it
        Assert.Equal(["0", "3000"], List("ka.req.pod.containers.eff_run_as_group", Pod)); // no pod runAsGroup: 0
        Assert.Equal(["0"], List("ka.req.pod.initcontainers.eff_run_as_group", Pod));
        Assert.Equal("1000", Value("ka.req.pod.run_as_user", Pod));
        Assert.Equal(["true"], List("ka.req.pod.containers.allow_privilege_escalation", Pod));
    }

    [Fact]
    public void Capabilities_Ports_Commands_And_Volumes_Are_Flattened()
    {
        Assert.Equal(["NET_ADMIN", "SYS_TIME"], List("ka.req.pod.containers.add_capabilities", Pod));
        Assert.Equal(["8080", "19090"], List("ka.req.pod.containers.host_port", Pod)); // hostNetwork: containerPort is the host port
        var noHostNetwork = Pod.Replace("\"hostNetwork\":true,", string.Empty, StringComparison.Ordinal);
        Assert.Equal(["19090"], List("ka.req.pod.containers.host_port", noHostNetwork));
        Assert.Equal(["/bin/web", "--port=8080"], List("ka.req.pod.containers.command", Pod));
        Assert.Equal("true", Value("ka.req.pod.host_network", Pod));
        Assert.Null(Value("ka.req.pod.host_pid", Pod));
    }

    [Fact]
    public void HostPath_Is_Exact_And_Volume_Types_Are_The_Keys_Other_Than_Name()
    {
        Assert.Equal(["/var/run/docker.sock", "/etc/"], List("ka.req.pod.volumes.hostpath", Pod));
        Assert.False(Matches("ka.req.pod.volumes.hostpath intersects (/etc, /proc)", Pod)); // "/etc/" is not "/etc"
        Assert.True(Matches("ka.req.pod.volumes.hostpath intersects (/var/run/docker.sock)", Pod));
        Assert.Equal(["hostPath", "configMap", "hostPath", "flexVolume"], List("ka.req.pod.volumes.volume_type", Pod));
        Assert.Equal(["example/lvm"], List("ka.req.pod.volumes.flexvolume_driver", Pod));
    }

    [Fact]
    public void Response_Code_Is_A_String_And_Names_Come_From_The_Right_Places()
    {
        Assert.Equal("200", Value("ka.response.code", Pod));
        Assert.Equal("web-x7k2p", Value("ka.resp.name", Pod));
        Assert.Equal("web-x7k2p", Value("ka.target.pod.name", Pod));
        Assert.Null(Value("ka.target.name", Pod)); // generateName: no objectRef.name on create
    }

    [Fact]
    public void Target_Pod_Name_Is_Only_For_Pods_Without_A_Subresource()
    {
        var exec = Event(verb: "create", subresource: "exec", level: "RequestResponse", extra: "\"responseObject\":{\"metadata\":{\"name\":\"web\"}}");
        Assert.Null(Value("ka.target.pod.name", exec));
        Assert.Equal("web", Value("ka.resp.name", exec));
        var service = Event(verb: "create", resource: "services", level: "RequestResponse", extra: "\"responseObject\":{\"metadata\":{\"name\":\"web\"}}");
        Assert.Null(Value("ka.target.pod.name", service));
    }

    [Fact]
    public void Binding_Subjects_And_Their_Helpers()
    {
        var binding = Event(verb: "create", resource: "clusterrolebindings", level: "Request", extra: """
            "requestObject":{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[
              {"kind":"User","name":"alice"},{"kind":"Group","name":"ops"},{"kind":"ServiceAccount","name":"deployer","namespace":"ci"},{"kind":"User","name":"bob"}]}
            """.ReplaceLineEndings(string.Empty));
        Assert.Equal("cluster-admin", Value("ka.req.binding.role", binding));
        Assert.Equal(["alice", "bob"], List("ka.req.binding.subjects.user_names", binding));
        Assert.Equal(["ops"], List("ka.req.binding.subjects.group_names", binding));
        Assert.Equal(["deployer"], List("ka.req.binding.subjects.serviceaccount_names", binding));
        Assert.Equal(["ci:deployer"], List("ka.req.binding.subjects.serviceaccount_ns_names", binding));
        Assert.Equal("{\"kind\":\"User\",\"name\":\"alice\"}", List("ka.req.binding.subjects", binding)[0]);
    }

    [Fact]
    public void ConfigMap_Obj_Is_The_Data_As_Json_Text_And_Never_A_Secrets_Data()
    {
        var cm = Event(verb: "create", resource: "configmaps", name: "app", level: "Request", extra: "\"requestObject\":{\"data\":{ \"aws_access_key_id\" : \"AKIA\", \"mode\": \"x\" }}");
        Assert.Equal("{\"aws_access_key_id\":\"AKIA\",\"mode\":\"x\"}", Value("ka.req.configmap.obj", cm));
        Assert.Equal("app", Value("ka.req.configmap.name", cm));
        Assert.True(Matches("ka.req.configmap.obj contains aws_access_key_id", cm));

        var secret = Event(verb: "create", resource: "secrets", name: "db", level: "Request", extra: "\"requestObject\":{\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"c2VjcmV0\"}}");
        Assert.Null(Value("ka.req.configmap.obj", secret));
        Assert.Null(Value("jevt.value", secret, "/requestObject/data"));
        Assert.Null(Value("jevt.value", secret, "/requestObject"));
        Assert.Equal("db", Value("jevt.value", secret, "/requestObject/metadata/name"));
    }

    [Fact]
    public void Role_Rules_Are_Flattened_And_Wildcards_Found()
    {
        var role = Event(verb: "create", resource: "clusterroles", level: "RequestResponse", extra: """
            "requestObject":{"rules":[{"apiGroups":[""],"resources":["pods","pods/exec"],"verbs":["get","create"]},{"nonResourceURLs":["/metrics"],"verbs":["get"]}]},
            "responseObject":{"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}
            """.ReplaceLineEndings(string.Empty));
        Assert.Equal(["get", "create", "get"], List("ka.req.role.rules.verbs", role));
        Assert.Equal(["pods", "pods/exec"], List("ka.req.role.rules.resources", role));
        Assert.Equal([string.Empty], List("ka.req.role.rules.apiGroups", role));
        Assert.Equal(["/metrics"], List("ka.req.role.rules.nonResourceURLs", role));
        Assert.Equal(2, List("ka.req.role.rules", role).Length);
        Assert.Equal("false", Value("ka.req.role.rules.wildcard", role));
        Assert.Equal("true", Value("ka.resp.role.rules.wildcard", role));
        Assert.Equal(["*"], List("ka.resp.role.rules.verbs", role));
    }

    [Fact]
    public void Uri_Parameters_Are_Decoded_And_The_Exec_Command_Joined()
    {
        var exec = Event(verb: "create", subresource: "exec").Replace("\"requestURI\":\"/api/v1/namespaces/shop/pods\"",
            "\"requestURI\":\"/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=curl+http%3A%2F%2F169.254.169.254%2Flatest&container=web&stdin=true\"", StringComparison.Ordinal);
        Assert.Equal("sh", Value("ka.uri.param", exec, "command"));
        Assert.Equal(["sh", "-c", "curl http://169.254.169.254/latest"], List("ka.uri.params", exec, "command"));
        Assert.Equal("sh -c curl http://169.254.169.254/latest", Value("ka.exec.command", exec));
        Assert.Equal("/api/v1/namespaces/shop/pods/web/exec", Value("ka.uri.path", exec));
        Assert.Null(Value("ka.uri.param", exec, "tty"));
        Assert.Null(Value("ka.exec.command", Event()));
    }

    [Fact]
    public void Source_Ip_Is_The_Direct_Peer_And_Public_Means_Not_Private()
    {
        string WithIps(string ips) => Event().Replace("\"sourceIPs\":[\"10.0.0.1\"]", "\"sourceIPs\":" + ips, StringComparison.Ordinal);
        Assert.Equal("198.51.100.7", Value("ka.sourceip", WithIps("[\"10.0.0.1\",\"198.51.100.7\"]")));
        Assert.Equal("true", Value("ka.sourceip.public", WithIps("[\"10.0.0.1\",\"198.51.100.7\"]")));
        foreach (var ip in new[] { "10.1.2.3", "172.16.0.1", "172.31.255.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "::1", "fe80::1", "fd00::1" })
        {
            Assert.Equal("false", Value("ka.sourceip.public", WithIps($"[\"{ip}\"]")));
        }

        Assert.Equal("true", Value("ka.sourceip.public", WithIps("[\"172.32.0.1\"]")));
        Assert.Equal("true", Value("ka.sourceip.public", WithIps("[\"2001:db8::1\"]")));
        Assert.Null(Value("ka.sourceip.public", WithIps("[\"not-an-ip\"]")));
        Assert.Null(Value("ka.sourceip", WithIps("[]")));
    }

    [Fact]
    public void Bulwark_Additions_Read_Their_Fields()
    {
        var csr = Event(verb: "update", resource: "certificatesigningrequests", subresource: "approval", level: "Request", extra: """
            "requestObject":{"spec":{"signerName":"kubernetes.io/kube-apiserver-client","usages":["client auth"]},"status":{"conditions":[{"type":"Approved","status":"True"}]}},
            "impersonatedUser":{"username":"system:admin","groups":["system:masters"]},
            "annotations":{"authorization.k8s.io/decision":"allow","cluster_name":"prod"}
            """.ReplaceLineEndings(string.Empty));
        Assert.Equal("kubernetes.io/kube-apiserver-client", Value("ka.req.csr.signer", csr));
        Assert.Equal(["client auth"], List("ka.req.csr.usages", csr));
        Assert.Equal(["Approved"], List("ka.req.csr.conditions", csr));
        Assert.Equal(["system:masters"], List("ka.impuser.groups", csr));
        Assert.Equal("system:admin", Value("ka.impuser.name", csr));
        Assert.Equal("allow", Value("ka.auth.decision", csr));
        Assert.Equal("prod", Value("ka.cluster.name", csr));
        Assert.Equal("Request", Value("ka.level", csr));
        Assert.Equal(string.Empty, Value("ka.target.apigroup", csr));
        Assert.Equal("2025-06-02T10:00:00.100000Z", Value("ka.time", csr));

        var webhook = Event(verb: "create", resource: "validatingwebhookconfigurations", level: "Request",
            extra: "\"requestObject\":{\"webhooks\":[{\"name\":\"a.example.com\"},{\"name\":\"b.example.com\"}]}").Replace("\"apiVersion\":\"v1\",\"name\"", "\"apiGroup\":\"admissionregistration.k8s.io\",\"apiVersion\":\"v1\",\"name\"", StringComparison.Ordinal);
        Assert.Equal(["a.example.com", "b.example.com"], List("ka.req.webhooks.names", webhook));
        Assert.Equal("admissionregistration.k8s.io", Value("ka.target.apigroup", webhook));
    }

    [Fact]
    public void Jevt_Value_Reads_Any_Pointer_And_Objects_As_Json_Text()
    {
        Assert.Equal("ResponseComplete", Value("jevt.value", Event(), "/stage"));
        Assert.Equal("system:authenticated", Value("jevt.value", Event(), "/user/groups/0"));
        Assert.Equal("[\"system:authenticated\"]", Value("jevt.value", Event(), "/user/groups"));
        Assert.Null(Value("jevt.value", Event(), "/user/groups/5"));
        Assert.Null(Value("jevt.value", Event(), "/nothing"));
    }

    [Fact]
    public void Every_Field_Of_The_Format_Document_Exists()
    {
        var doc = File.ReadAllText(Path.Combine(Cli.RulesCommandTests.RepoRoot(), "docs", "audit-rules.md"));
        var section = doc[doc.IndexOf("## Fields", StringComparison.Ordinal)..doc.IndexOf("## Stateful rules", StringComparison.Ordinal)];
        // Every complete field name written in backquotes (`ka.x` or `ka.x[arg]`); patterns like `ka.req.pod.containers.<x>` are skipped.
        var names = System.Text.RegularExpressions.Regex.Matches(section, "`((?:ka|jevt)\\.[a-zA-Z_.]+)[`\\[]")
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();
        Assert.True(names.Count > 50, $"only {names.Count} fields found in docs/audit-rules.md");
        Assert.All(names, n => Assert.True(FieldRegistry.Find(n) is not null, $"docs/audit-rules.md names {n}, which the engine does not know"));
    }

    [Theory]
    [InlineData("image")]
    [InlineData("image.repository")]
    [InlineData("privileged")]
    [InlineData("allow_privilege_escalation")]
    [InlineData("read_only_fs")]
    [InlineData("run_as_user")]
    [InlineData("eff_run_as_user")]
    [InlineData("run_as_group")]
    [InlineData("eff_run_as_group")]
    [InlineData("proc_mount")]
    [InlineData("add_capabilities")]
    [InlineData("host_port")]
    [InlineData("name")]
    [InlineData("command")]
    [InlineData("args")]
    public void Every_Container_Field_Exists_For_The_Three_Container_Lists(string x)
    {
        foreach (var list in new[] { "containers", "initcontainers", "ephemeralcontainers" })
        {
            var spec = FieldRegistry.Find($"ka.req.pod.{list}.{x}");
            Assert.NotNull(spec);
            Assert.True(spec!.IsList);
            Assert.Equal(AuditLevel.Request, spec.Level);
        }
    }
}
