using System.Text.Json;
using Bulwark.Engine;
using Bulwark.Loading;
using Bulwark.Tests.Cli;
using Xunit;

namespace Bulwark.Tests.Rbac.Generate;

/// <summary>The README's `bulwark rbac generate` example on examples/audit.</summary>
public sealed class RbacGenerateCommandTests
{
    private static string Log => Path.Combine(RulesCommandTests.RepoRoot(), "examples", "audit", "order-sync.audit.jsonl");

    [Fact]
    public void Should_Generate_The_Order_Sync_Role_From_The_Example_Log()
    {
        var (code, stdout, stderr) = CliRunner.Run("rbac", "generate", "--from-audit", Log, "--subject", "serviceaccount:shop:order-sync");

        Assert.True(code == 0, stderr);
        Assert.Contains("resourceNames: [\"order-sync-settings\"]\n    verbs: [\"get\", \"list\"]", stdout, StringComparison.Ordinal);
        Assert.Contains("resourceNames: [\"order-sync-state\"]\n    verbs: [\"get\", \"patch\"]", stdout, StringComparison.Ordinal);
        Assert.Contains("# denied in the audit log", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ClusterRole", stdout, StringComparison.Ordinal);

        var load = new ManifestLoader().LoadText(stdout, "generated.yaml");
        var result = new Scanner().Scan(load);
        Assert.DoesNotContain(result.Findings, f => f.Rule.StartsWith("rbac-", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Write_Json_To_A_File()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "policy.json");

        var (code, _, stderr) = CliRunner.Run("rbac", "generate", "--from-audit", Log, "--subject", "serviceaccount:shop:order-sync", "-o", "json", "--output-file", output);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(16, json.RootElement.GetProperty("counts").GetProperty("requests").GetInt32());
        Assert.Equal(["Role", "RoleBinding"], json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()));
    }

    [Fact]
    public void Should_Reject_Bad_Subjects_And_Missing_Files()
    {
        var (code, _, stderr) = CliRunner.Run("rbac", "generate", "--from-audit", Log, "--subject", "group:ops");
        Assert.Equal(2, code);
        Assert.Contains("user:NAME or serviceaccount:NAMESPACE:NAME", stderr, StringComparison.Ordinal);

        (code, _, stderr) = CliRunner.Run("rbac", "generate", "--from-audit", "/nonexistent/audit.log", "--subject", "user:alice");
        Assert.Equal(2, code);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Report_Malformed_Lines_On_Stderr_And_Still_Generate()
    {
        using var dir = new TempDir();
        var log = dir.Write("audit.log", File.ReadAllText(Log) + "{broken\n");

        var (code, stdout, stderr) = CliRunner.Run("rbac", "generate", "--from-audit", log, "--subject", "serviceaccount:shop:order-sync", "--namespace-scoped");

        Assert.Equal(0, code);
        Assert.Contains("audit.log:53: ", stderr, StringComparison.Ordinal);
        Assert.Contains("kind: RoleBinding", stdout, StringComparison.Ordinal);
    }
}
