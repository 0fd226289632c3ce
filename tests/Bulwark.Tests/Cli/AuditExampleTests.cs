using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>
/// `bulwark audit detect` on examples/audit/incident.audit.jsonl: every scenario of the incident (the table in
/// examples/audit/README.md) raises its alert on its line, and the ordinary system traffic raises none once the
/// examples' .bulwark.yaml tunes the two expected identities. Expectations written from the story, line by line.
/// </summary>
public sealed class AuditExampleTests
{
    private static readonly Lazy<List<(string Rule, int Line)>> Alerts = new(Detect);

    private static string Log => Path.Combine(RulesCommandTests.RepoRoot(), "examples", "audit", "incident.audit.jsonl");

    [Theory]
    [InlineData(30, "denied-requests-burst")] // the 10th denial of the stolen storefront token in 10 minutes
    [InlineData(33, "permission-enumeration-by-workload-identity")]
    [InlineData(34, "sa-token-requested-by-unexpected-identity")]
    [InlineData(34, "sa-token-requested-from-unusual-source")]
    [InlineData(35, "create-privileged-pod")]
    [InlineData(35, "create-sensitive-mount-pod")]
    [InlineData(35, "create-hostpid-pod")]
    [InlineData(36, "attach-exec-pod")]
    [InlineData(36, "exec-reads-service-account-token")]
    [InlineData(38, "exec-reaches-cloud-metadata")]
    [InlineData(39, "attach-to-cluster-admin-role")]
    [InlineData(39, "binding-grants-privileged-access")]
    [InlineData(39, "system-identity-from-public-ip")]
    [InlineData(40, "clusterrole-with-wildcard-created")]
    [InlineData(40, "clusterrole-with-pod-exec-created")]
    [InlineData(41, "nodes-proxy-accessed")]
    [InlineData(42, "privileged-identity-impersonated")]
    [InlineData(43, "admission-webhook-configuration-changed")]
    [InlineData(44, "csr-created-for-client-signer")]
    [InlineData(45, "csr-approved-for-client-signer")]
    [InlineData(60, "bulk-distinct-secret-reads")] // the 15th distinct secret (reads start on line 46)
    [InlineData(64, "secrets-listed-cluster-wide")]
    [InlineData(65, "create-nodeport-service")]
    [InlineData(66, "create-modify-configmap-with-private-credentials")]
    [InlineData(67, "kubernetes-events-deleted")]
    [InlineData(68, "kubernetes-events-deleted")]
    [InlineData(69, "anonymous-request-allowed")]
    public void Should_Alert_On_Each_Scenario_Of_The_Incident(int line, string rule)
    {
        Assert.Contains((rule, line), Alerts.Value);
    }

    [Fact]
    public void Should_Stay_Quiet_On_Ordinary_System_Traffic()
    {
        // Lines 1-20 are kubelets (token requests), the scheduler, Prometheus, the ReplicaSet controller and Argo CD.
        var noisy = Alerts.Value.Where(a => a.Line <= 20).ToList();

        Assert.Empty(noisy);
    }

    [Fact]
    public void Should_Alert_On_An_Exec_Once_At_The_Stage_The_Rule_Watches()
    {
        // Line 37 is the ResponseComplete event of the exec on line 36 (same auditID).
        Assert.DoesNotContain(Alerts.Value, a => a.Line == 37 && a.Rule.Contains("exec", StringComparison.Ordinal));
    }

    private static List<(string Rule, int Line)> Detect()
    {
        var (code, stdout, stderr) = CliRunner.Run("audit", "detect", Log, "-o", "json");
        Assert.True(code is 0 or 1, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        return json.RootElement.GetProperty("alerts").EnumerateArray()
            .Select(a => (a.GetProperty("rule").GetString()!, a.GetProperty("location").GetProperty("line").GetInt32()))
            .ToList();
    }
}
