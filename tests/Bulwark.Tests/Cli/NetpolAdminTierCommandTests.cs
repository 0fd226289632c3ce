using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>netpol connectivity and explain with admin-tier policies: the verdict chain, assumptions and invalid objects.</summary>
public sealed class NetpolAdminTierCommandTests : IDisposable
{
    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: prometheus, namespace: monitoring}
        spec:
          selector: {matchLabels: {app: prometheus}}
          template:
            metadata: {labels: {app: prometheus}}
            spec:
              containers: [{name: prometheus, image: "prom/prometheus:v2.53.0"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: shop}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: monitoring}
        spec:
          tier: Admin
          priority: 10
          subject:
            namespaces: {}
          ingress:
            - action: Pass
              from:
                - namespaces:
                    matchLabels: {kubernetes.io/metadata.name: monitoring}
              protocols:
                - tcp: {destinationPort: {number: 8080}}
            - action: Accept
              from:
                - namespaces:
                    matchLabels: {kubernetes.io/metadata.name: monitoring}
        """;

    private const string Invalid = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: wrong}
        spec:
          priority: -1
          subject: {namespaces: {}}
          ingress: [{action: Deny, from: [{namespaces: {}}]}]
        """;

    private readonly TempDir _dir = new();
    private readonly string _file;

    public NetpolAdminTierCommandTests() => _file = _dir.Write("shop.yaml", Manifests);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Explain_The_Chain_From_Admin_Pass_To_NetworkPolicy_Deny()
    {
        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "explain", "monitoring/prometheus", "shop/web", "--port", "8080/TCP", "-f", _file);

        // Then: Pass hands TCP 8080 to NetworkPolicy, which isolates shop and admits nothing
        Assert.True(code == 1, stderr);
        Assert.Contains("TCP 8080: DENIED", stdout, StringComparison.Ordinal);
        Assert.Contains("ingress: passed by ClusterNetworkPolicy monitoring (priority 10) ingress[0]: Pass from all pods in namespaces kubernetes.io/metadata.name=monitoring on TCP 8080 -> denied: NetworkPolicy: shop/Deployment/web is isolated for ingress by NetworkPolicy shop/default-deny", stdout, StringComparison.Ordinal);
        Assert.Contains("Admin -> NetworkPolicy -> Baseline -> default allow", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_List_The_Admin_Accept_And_The_Tiers_In_Connectivity_Json()
    {
        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", _file, "-o", "json");

        // Then: the Admin tier accepts everything but TCP 8080 from monitoring, despite default-deny
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(["Admin", "NetworkPolicy", "Baseline", "default allow"], root.GetProperty("assumptions").GetProperty("tiers").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("external addresses only", root.GetProperty("assumptions").GetProperty("adminNetworks").GetString(), StringComparison.Ordinal);
        var toWeb = Assert.Single(root.GetProperty("connections").EnumerateArray(), c => c.GetProperty("dst").TryGetProperty("name", out var n) && n.GetString() == "web");
        var ranges = toWeb.GetProperty("allowed").EnumerateArray().Select(r => r.GetProperty("protocol").GetString() == "other" ? "other" : $"{r.GetProperty("protocol").GetString()} {r.GetProperty("from").GetInt32()}-{r.GetProperty("to").GetInt32()}");
        Assert.Equal(["TCP 1-8079", "TCP 8081-65535", "UDP 1-65535", "SCTP 1-65535", "other"], ranges);
        Assert.Empty(root.GetProperty("notEvaluated").EnumerateArray());
    }

    [Fact]
    public void Should_Report_An_Invalid_Admin_Policy_With_File_And_Line_And_Exit_2()
    {
        // Given
        var invalid = _dir.Write("invalid.yaml", Invalid);

        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", _file, invalid);

        // Then: the report is written without the invalid object
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("invalid.yaml:5:3: AdminNetworkPolicy wrong: spec.priority: invalid value -1: must be between 0 and 1000, inclusive", line, StringComparison.Ordinal);
        Assert.Contains("monitoring/Deployment/prometheus", stdout, StringComparison.Ordinal);
    }
}
