using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed partial class RbacPathsCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Rbac", "Fixtures", "paths", name);

    [Fact]
    public void Should_Write_The_Paths_As_Json_Shortest_First()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("7-multi-hop.yaml"), "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("cluster-admin", json.RootElement.GetProperty("target").GetProperty("id").GetString());
        var paths = json.RootElement.GetProperty("paths").EnumerateArray().ToList();
        Assert.Equal(["serviceaccount:build:builder", "group:devs", "user:vic"], paths.Select(p => p.GetProperty("from").GetProperty("id").GetString()));
        Assert.Equal([2, 3, 3], paths.Select(p => p.GetProperty("length").GetInt32()));
        var step = paths[1].GetProperty("steps")[0];
        Assert.Equal("token-request", step.GetProperty("edge").GetString());
        Assert.Equal("build", step.GetProperty("namespace").GetString());
        Assert.Equal("ServiceAccount", step.GetProperty("to").GetProperty("kind").GetString());
        Assert.Equal("builder", step.GetProperty("to").GetProperty("name").GetString());
        Assert.Equal("build", step.GetProperty("to").GetProperty("namespace").GetString());
        var via = step.GetProperty("via");
        Assert.Equal("RoleBinding", via.GetProperty("binding").GetProperty("kind").GetString());
        Assert.Equal("devs-tokens", via.GetProperty("binding").GetProperty("name").GetString());
        Assert.Equal("builder-tokens", via.GetProperty("role").GetProperty("name").GetString());
        Assert.Equal(["serviceaccounts/token"], via.GetProperty("rule").GetProperty("resources").EnumerateArray().Select(e => e.GetString()));
        var last = paths[1].GetProperty("steps")[2];
        Assert.Equal("cluster-admin-equivalent", last.GetProperty("edge").GetString());
        Assert.Equal("cluster-admin", last.GetProperty("via").GetProperty("role").GetProperty("name").GetString());
    }

    [Fact]
    public void Should_Explain_Each_Step_In_The_Table()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("6-csr-webhook.yaml"), "--from", "user:sam");

        // Then
        Assert.Equal(1, code);
        Assert.Contains("user:sam (2 steps)", stdout, StringComparison.Ordinal);
        Assert.Contains("1. csr-approve -> group:system:masters", stdout, StringComparison.Ordinal);
        Assert.Contains("ClusterRoleBinding \"sam-approves\"", stdout, StringComparison.Ordinal);
        Assert.Contains("2. cluster-admin-equivalent -> cluster-admin", stdout, StringComparison.Ordinal);
        Assert.Contains("system:masters bypasses RBAC", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("user:tess", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_A_Node_Identity_Step_Without_A_Grant()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("8-nodes-proxy.yaml"), "--from", "user:system:node:worker-1", "-o", "json");
        var (textCode, text, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("8-nodes-proxy.yaml"), "--from", "user:system:node:worker-1");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var step = json.RootElement.GetProperty("paths")[0].GetProperty("steps")[0];
        Assert.Equal("node-identity", step.GetProperty("edge").GetString());
        Assert.Equal("system:node:worker-1", step.GetProperty("via").GetProperty("nodeIdentity").GetString());
        Assert.Contains("scheduled on node worker-1", step.GetProperty("condition").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, textCode);
        Assert.Contains("is a node: its kubelet holds the tokens", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_Pod_Security_Defaults_From_The_Config_For_The_Node_Step()
    {
        // Given: a config whose admission default is baseline, so dan's unlabelled namespace no longer allows privileged pods
        using var dir = new TempDir();
        var config = Path.Combine(dir.Path, "bulwark.yaml");
        File.WriteAllText(config, "podSecurity:\n  defaults:\n    enforce: baseline\n");

        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("11-privileged-pod-node.yaml"), "--from", "user:dan", "-o", "json");
        var (configuredCode, configured, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("11-privileged-pod-node.yaml"), "--from", "user:dan", "--config", config);

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var steps = json.RootElement.GetProperty("paths")[0].GetProperty("steps");
        Assert.Equal("node:*", steps[0].GetProperty("to").GetProperty("id").GetString());
        Assert.Equal("node:*", steps[1].GetProperty("via").GetProperty("nodeIdentity").GetString());
        Assert.Equal(0, configuredCode);
        Assert.Contains("no escalation path", configured, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_0_When_There_Is_No_Path()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("6-csr-webhook.yaml"), "--from", "user:uma");

        // Then
        Assert.Equal(0, code);
        Assert.StartsWith("no escalation path", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Draw_A_Digraph()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("7-multi-hop.yaml"), "-o", "dot");

        // Then: a digraph of node and edge statements with quoted ids, every edge drawn once
        Assert.Equal(1, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches("^digraph \"[^\"]+\" \\{$", lines[0]);
        Assert.Equal("}", lines[^1]);
        var edges = new List<string>();
        foreach (var line in lines[1..^1])
        {
            Assert.True(Statement().IsMatch(line), $"not a dot statement: {line}");
            if (line.Contains(" -> ", StringComparison.Ordinal))
            {
                edges.Add(line);
            }
        }

        Assert.Equal(edges.Count, edges.Distinct().Count());
        Assert.Contains("\"group:devs\" -> \"serviceaccount:build:builder\" [label=\"token-request (build)\"];", edges);
        Assert.Contains(edges, e => e.StartsWith("\"serviceaccount:kube-system:admin\" -> \"cluster-admin\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Find_A_Path_To_A_Subject()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("rbac", "paths", "-f", Fixture("7-multi-hop.yaml"), "--from", "group:devs", "--to", "serviceaccount:build:builder", "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("serviceaccount:build:builder", json.RootElement.GetProperty("target").GetProperty("id").GetString());
        var step = Assert.Single(json.RootElement.GetProperty("paths")[0].GetProperty("steps").EnumerateArray());
        Assert.Equal("token-request", step.GetProperty("edge").GetString());
    }

    [Fact]
    public void Should_Reject_A_Malformed_Subject()
    {
        // When
        var (code, _, stderr) = CliRunner.Run("rbac", "paths", "-f", Fixture("7-multi-hop.yaml"), "--from", "bob");

        // Then
        Assert.Equal(2, code);
        Assert.Contains("--from must be", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex("""^("([^"\\]|\\.)*"( -> "([^"\\]|\\.)*")?|rankdir=LR|node) ?(\[[a-z]+=("([^"\\]|\\.)*"|[^,\]]+)(, [a-z]+=("([^"\\]|\\.)*"|[^,\]]+))*\])?;$""")]
    private static partial Regex Statement();
}
