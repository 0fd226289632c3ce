using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class RbacCommandTests : IDisposable
{
    private const string Manifests = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-edit, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects:
          - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
          - {kind: ServiceAccount, name: ci}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: log-reader}
        rules:
          - apiGroups: [""]
            resources: [pods/log]
            verbs: [get]
          - nonResourceURLs: ["/logs/*"]
            verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: log-readers}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: log-reader}
        subjects:
          - {kind: Group, name: sre, apiGroup: rbac.authorization.k8s.io}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: dangling}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}
        subjects:
          - {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
        """;

    private readonly TempDir _dir = new();
    private readonly string _file;

    public RbacCommandTests() => _file = _dir.Write("rbac.yaml", Manifests);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Exit_0_And_List_The_Grant_When_CanI_Is_Allowed()
    {
        // When
        var (code, stdout, stderr) = CliRunner.Run("rbac", "can-i", "create", "deployments", "--api-group", "apps", "-n", "shop", "--as", "user:alice", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("allowed").GetBoolean());
        var grant = json.RootElement.GetProperty("grants")[0];
        Assert.Equal("RoleBinding", grant.GetProperty("binding").GetProperty("kind").GetString());
        Assert.Equal("dev-edit", grant.GetProperty("binding").GetProperty("name").GetString());
        Assert.Equal("shop", grant.GetProperty("binding").GetProperty("namespace").GetString());
        Assert.Equal("ClusterRole", grant.GetProperty("role").GetProperty("kind").GetString());
        Assert.Equal("edit", grant.GetProperty("role").GetProperty("name").GetString());
        Assert.Contains("deployments", grant.GetProperty("rule").GetProperty("resources").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("dangling-roleref", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_1_When_CanI_Is_Denied()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "can-i", "create", "deployments.apps", "-n", "other", "--as", "user:alice", "-f", _file);

        // Then
        Assert.Equal(1, code);
        Assert.StartsWith("no", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Expand_A_Service_Account_And_Its_Groups()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "can-i", "get", "secrets", "-n", "shop", "--as", "serviceaccount:shop:ci", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var groups = json.RootElement.GetProperty("user").GetProperty("groups").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["system:authenticated", "system:serviceaccounts", "system:serviceaccounts:shop"], groups);
    }

    [Fact]
    public void Should_Answer_A_Non_Resource_Url_From_ClusterRoleBindings()
    {
        // When
        var allowed = CliRunner.Run("rbac", "can-i", "get", "--non-resource-url", "/logs/kube-apiserver.log", "--as", "user:zoe", "--as-group", "sre", "-f", _file);
        var denied = CliRunner.Run("rbac", "can-i", "get", "--non-resource-url", "/logs", "--as", "user:zoe", "--as-group", "sre", "-f", _file);

        // Then
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal(1, denied.ExitCode);
    }

    [Fact]
    public void Should_Treat_Masters_As_Allowed_Without_Grants()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "can-i", "delete", "nodes", "--as", "user:root", "--as-group", "system:masters", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("system:masters", json.RootElement.GetProperty("privilegedGroup").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("grants").GetArrayLength());
    }

    [Fact]
    public void Should_Ignore_The_Namespace_Of_A_Cluster_Scoped_Resource_With_A_Note()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "can-i", "list", "nodes", "-n", "shop", "--as", "user:alice", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(string.Empty, json.RootElement.GetProperty("request").GetProperty("namespace").GetString());
        Assert.Contains("cluster-scoped", json.RootElement.GetProperty("notes")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--as", "alice")]
    [InlineData("--as", "serviceaccount:ci")]
    [InlineData("--as", "robot:x")]
    public void Should_Exit_2_On_A_Bad_Subject(string option, string value)
    {
        // When
        var (code, _, stderr) = CliRunner.Run("rbac", "can-i", "get", "pods", option, value, "-f", _file);

        // Then
        Assert.Equal(2, code);
        Assert.Contains("--as", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_2_Without_Resource_Or_Url()
    {
        // When
        var (code, _, _) = CliRunner.Run("rbac", "can-i", "get", "--as", "user:a", "-f", _file);

        // Then
        Assert.Equal(2, code);
    }

    [Fact]
    public void Should_List_Subjects_As_Written_With_Masters_Apart()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "who-can", "get", "pods/log", "-n", "shop", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var subjects = json.RootElement.GetProperty("subjects").EnumerateArray()
            .Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("name").GetString()} {(s.TryGetProperty("namespace", out var ns) ? ns.GetString() : "-")}")
            .ToList();
        Assert.Equal(["Group sre -", "ServiceAccount ci -", "User alice -"], subjects);
        var implicitSubject = json.RootElement.GetProperty("implicitSubjects")[0];
        Assert.Equal("system:masters", implicitSubject.GetProperty("name").GetString());
    }

    [Fact]
    public void Should_Count_Only_ClusterRoleBindings_For_A_Cluster_Wide_Who_Can()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "who-can", "get", "pods/log", "-f", _file);

        // Then
        Assert.Equal(0, code);
        Assert.Contains("Group sre", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Reject_Namespace_With_All_Namespaces()
    {
        // When
        var (code, _, _) = CliRunner.Run("rbac", "who-can", "get", "pods", "-n", "a", "-A", "-f", _file);

        // Then
        Assert.Equal(2, code);
    }

    [Fact]
    public void Should_Show_The_Access_Matrix_Of_A_Subject()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "access", "--as", "user:alice", "-n", "shop", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("resource").GetString()!, r => r.GetProperty("verbs"));
        Assert.True(rows["deployments.apps"].GetProperty("create").GetBoolean());
        Assert.False(rows["roles.rbac.authorization.k8s.io"].GetProperty("create").GetBoolean());
        Assert.False(rows.ContainsKey("nodes")); // cluster-scoped: not in a namespaced matrix
    }

    [Fact]
    public void Should_Show_Subjects_By_Verb_For_One_Resource()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "access", "--resources", "secrets", "-n", "shop", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("subject").GetString()!, r => r.GetProperty("verbs"));
        Assert.True(rows["User alice"].GetProperty("get").GetBoolean());
        Assert.True(rows["ServiceAccount ci"].GetProperty("delete").GetBoolean());
    }

    [Fact]
    public void Should_Turn_Default_Roles_Off()
    {
        // When
        var (code, _, stderr) = CliRunner.Run("rbac", "can-i", "get", "pods", "-n", "shop", "--as", "user:alice", "-f", _file, "--no-default-roles");

        // Then
        Assert.Equal(1, code);
        Assert.Contains("ClusterRole \"edit\", which does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Use_The_Default_Roles_Of_A_Kubernetes_Version()
    {
        // When: edit wrote endpoints until 1.21 (CVE-2021-25740 mitigation in 1.22)
        var old = CliRunner.Run("rbac", "can-i", "create", "endpoints", "-n", "shop", "--as", "user:alice", "-f", _file, "--kubernetes-version", "1.21");
        var current = CliRunner.Run("rbac", "can-i", "create", "endpoints", "-n", "shop", "--as", "user:alice", "-f", _file, "--kubernetes-version", "1.22");
        var whoCan = CliRunner.Run("rbac", "who-can", "create", "endpoints", "-n", "shop", "-f", _file, "--kubernetes-version", "1.21");
        var risks = CliRunner.Run("rbac", "risks", "-f", _file, "--kubernetes-version", "1.21");
        var paths = CliRunner.Run("rbac", "paths", "-f", _file, "--kubernetes-version", "1.21");
        var unknown = CliRunner.Run("rbac", "access", "--as", "user:alice", "-f", _file, "--kubernetes-version", "1.20");

        // Then
        Assert.Equal(0, old.ExitCode);
        Assert.Equal(1, current.ExitCode);
        Assert.Contains("alice", whoCan.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--kubernetes-version", risks.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("--kubernetes-version", paths.Err, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--kubernetes-version: the default roles of Kubernetes 1.20 are not known", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Render_Tables()
    {
        // When
        var canI = CliRunner.Run("rbac", "can-i", "get", "pods/log", "-n", "shop", "--as", "group:sre", "-f", _file);
        var whoCan = CliRunner.Run("rbac", "who-can", "get", "pods/log", "-n", "shop", "-f", _file);
        var access = CliRunner.Run("rbac", "access", "--as", "group:sre", "-f", _file);

        // Then
        Assert.Equal(0, canI.ExitCode);
        Assert.Contains("allowed by ClusterRoleBinding \"log-readers\" of ClusterRole \"log-reader\" to Group \"sre\"", canI.Out, StringComparison.Ordinal);
        Assert.Contains("system:masters", whoCan.Out, StringComparison.Ordinal);
        Assert.Equal(0, access.ExitCode);
        Assert.Contains("pods/log", access.Out, StringComparison.Ordinal);
    }
}
