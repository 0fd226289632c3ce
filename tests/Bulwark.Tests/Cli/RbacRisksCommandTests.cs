using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class RbacRisksCommandTests : IDisposable
{
    private const string Manifests = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: ops}
        rules:
          - apiGroups: [""]
            resources: [users, groups]
            verbs: [impersonate]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ops}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
        subjects:
          - {kind: ServiceAccount, name: helper, namespace: ops}
          - {kind: ServiceAccount, name: ctrl, namespace: kube-system}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ctrl-edit, namespace: kube-system}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects:
          - {kind: ServiceAccount, name: ctrl, namespace: kube-system}
        """;

    private readonly TempDir _dir = new();
    private readonly string _file;

    public RbacRisksCommandTests() => _file = _dir.Write("rbac.yaml", Manifests);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Write_Findings_In_The_Scan_Schema_With_Risk_And_Subjects()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "risks", "-f", _file, "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("rbac-impersonate", finding.GetProperty("rule").GetString());
        Assert.Equal("impersonate", finding.GetProperty("risk").GetString());
        Assert.Equal("critical", finding.GetProperty("severity").GetString());
        Assert.Equal("RBAC-3", finding.GetProperty("controls")[0].GetString());
        Assert.Equal("ClusterRole", finding.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("/rules/0/verbs/0", finding.GetProperty("path").GetString());
        Assert.Equal(7, finding.GetProperty("location").GetProperty("line").GetInt32());
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("remediation").GetString()));
        var subject = Assert.Single(finding.GetProperty("subjects").EnumerateArray());
        Assert.Equal("ServiceAccount", subject.GetProperty("kind").GetString());
        Assert.Equal("helper", subject.GetProperty("name").GetString());
        Assert.Equal("ops", subject.GetProperty("namespace").GetString());
        Assert.Equal("ClusterRoleBinding", subject.GetProperty("binding").GetProperty("kind").GetString());
        Assert.False(subject.GetProperty("binding").TryGetProperty("namespace", out _));
    }

    [Fact]
    public void Should_Include_System_Subjects_And_Default_Roles_On_Request()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "risks", "-f", _file, "-o", "json", "--include-system-subjects", "--fail-on", "none");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Single(f => f.GetProperty("risk").GetString() == "impersonate" && f.GetProperty("object").GetProperty("name").GetString() == "ops").GetProperty("subjects").GetArrayLength());
        var workload = findings.First(f => f.GetProperty("risk").GetString() == "workload-create-kube-system");
        Assert.Equal("RoleBinding", workload.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("/roleRef/name", workload.GetProperty("path").GetString());
    }

    [Fact]
    public void Should_Print_A_Table_And_Reject_A_Bad_Threshold()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "risks", "-f", _file);
        var (badCode, _, stderr) = CliRunner.Run("rbac", "risks", "-f", _file, "--fail-on", "severe");

        // Then
        Assert.Equal(1, code);
        Assert.Contains("impersonate", stdout, StringComparison.Ordinal);
        Assert.Contains("1 risk(s): 1 critical", stdout, StringComparison.Ordinal);
        Assert.Equal(2, badCode);
        Assert.Contains("--fail-on", stderr, StringComparison.Ordinal);
    }
}
