using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class NetpolGapsCommandTests : IDisposable
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: shop}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-egress, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
            - to:
                - ipBlock: {cidr: 203.0.113.0/24}
              ports:
                - port: 443
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: stale, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: gone}}
          policyTypes: [Ingress]
        """;

    private readonly TempDir _dir = new();
    private readonly string _file;

    public NetpolGapsCommandTests() => _file = _dir.Write("shop.yaml", Manifests);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Write_The_Gaps_Json_Shape()
    {
        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "gaps", "-f", _file, "-o", "json");

        // Then: internet egress on TCP 443 to one external /24 (info: an allow-list) and a policy selecting nothing (low),
        // so exit 0 under --fail-on high
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"], root.GetProperty("assumptions").GetProperty("clusterCidrs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["kube-system"], root.GetProperty("assumptions").GetProperty("sensitiveNamespaces").EnumerateArray().Select(e => e.GetString()));
        var gaps = root.GetProperty("gaps").EnumerateArray().ToList();
        Assert.Equal(["netpol-workload-internet-egress", "netpol-policy-selects-nothing"], gaps.Select(g => g.GetProperty("id").GetString()));

        var egress = gaps[0];
        Assert.Equal("info", egress.GetProperty("severity").GetString());
        Assert.Equal("NET-2", egress.GetProperty("control").GetString());
        Assert.Equal("Deployment", egress.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal(7, egress.GetProperty("location").GetProperty("line").GetInt32()); // metadata: {name: web, ...}
        Assert.Equal("Egress", egress.GetProperty("direction").GetString());
        var reach = Assert.Single(egress.GetProperty("reachable").EnumerateArray());
        Assert.Equal(["203.0.113.0-203.0.113.255"], reach.GetProperty("dst").GetProperty("external").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("TCP", Assert.Single(reach.GetProperty("allowed").EnumerateArray()).GetProperty("protocol").GetString());
        Assert.False(string.IsNullOrEmpty(egress.GetProperty("hint").GetString()));

        var stale = gaps[1];
        Assert.Equal("shop/stale", stale.GetProperty("policy").GetString());
        Assert.Equal(38, stale.GetProperty("location").GetProperty("line").GetInt32()); // podSelector of "stale"
        Assert.Equal(2, root.GetProperty("summary").GetProperty("total").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("low").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("info").GetInt32());
        foreach (var list in new[] { "unresolvedPeers", "policyEffectUnknown", "notEvaluated", "warnings", "errors" })
        {
            Assert.Equal(JsonValueKind.Array, root.GetProperty(list).ValueKind);
        }
    }

    [Fact]
    public void Should_Fail_At_The_Threshold_And_Take_Cluster_Ranges_From_The_Command_Line()
    {
        Assert.Equal(1, CliRunner.Run("netpol", "gaps", "-f", _file, "--fail-on", "low").ExitCode);

        // 203.0.113.0/24 declared as a cluster range: only the policy selecting nothing is left
        var (code, stdout, stderr) = CliRunner.Run("netpol", "gaps", "-f", _file, "--cluster-cidr", "10.0.0.0/8", "203.0.113.0/24", "-o", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["netpol-policy-selects-nothing"], json.RootElement.GetProperty("gaps").EnumerateArray().Select(g => g.GetProperty("id").GetString()));
    }

    [Fact]
    public void Should_Add_Sensitive_Namespaces_From_The_Command_Line()
    {
        // shop is sensitive, but its default deny keeps every other namespace out: no new gap
        var (code, stdout, _) = CliRunner.Run("netpol", "gaps", "-f", _file, "--sensitive-namespace", "shop", "-o", "md");

        Assert.Equal(0, code);
        Assert.Contains("# NetworkPolicy gaps", stdout, StringComparison.Ordinal);
        Assert.Contains("- sensitiveNamespaces: kube-system, shop", stdout, StringComparison.Ordinal);
        Assert.Contains("| low | netpol-policy-selects-nothing | NET-1 |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Reject_A_Bad_Cidr_And_A_Bad_Threshold_With_One_Line()
    {
        var (code, _, stderr) = CliRunner.Run("netpol", "gaps", "-f", _file, "--cluster-cidr", "10.0.0.0/33");
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("--cluster-cidr", stderr, StringComparison.Ordinal);

        (code, _, stderr) = CliRunner.Run("netpol", "gaps", "-f", _file, "--fail-on", "severe");
        Assert.Equal(2, code);
        Assert.Contains("--fail-on", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Read_Sensitive_Namespaces_And_Cluster_Ranges_From_The_Config()
    {
        var config = _dir.Write(".bulwark.yaml", "parameters:\n  sensitiveNamespaces: [payments]\n  clusterCidrs: [203.0.113.0/24]\n");

        var (code, stdout, stderr) = CliRunner.Run("netpol", "gaps", "-f", _file, "-c", config, "-o", "json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["payments"], json.RootElement.GetProperty("assumptions").GetProperty("sensitiveNamespaces").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["netpol-policy-selects-nothing"], json.RootElement.GetProperty("gaps").EnumerateArray().Select(g => g.GetProperty("id").GetString()));
    }

    [Fact]
    public void Should_Print_A_Table_With_The_Summary_And_Notes()
    {
        var (code, stdout, _) = CliRunner.Run("netpol", "gaps", "-f", _file);

        Assert.Equal(0, code);
        Assert.Contains("2 gaps: 1 low, 1 info", stdout, StringComparison.Ordinal);
        Assert.Contains("clusterCidrs: 10.0.0.0/8", stdout, StringComparison.Ordinal);
    }
}
