using System.Text.Json;
using Bulwark.Tests.Network;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class NetpolCommandTests : IDisposable
{
    private const string Manifests = NetworkTestInput.WebAndClient + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: web}
          ingress:
            - from:
                - podSelector:
                    matchLabels: {app: client}
              ports:
                - port: http
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: client-egress, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: client}
          policyTypes: [Egress]
          egress:
            - to:
                - podSelector: {}
            - to:
                - ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}
              ports:
                - {protocol: UDP, port: 53}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: extra, namespace: shop}
        spec:
          endpointSelector: {}
        """;

    private const string Invalid = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: broken, namespace: shop}
        spec:
          podSelector: {}
          ingress:
            - ports:
                - port: 0
        """;

    private readonly TempDir _dir = new();
    private readonly string _file;

    public NetpolCommandTests() => _file = _dir.Write("shop.yaml", Manifests);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Write_The_Connectivity_Json_Shape()
    {
        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", _file, "-o", "json");

        // Then
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.False(root.GetProperty("assumptions").GetProperty("ipBlockMatchesPods").GetBoolean());
        Assert.Equal(["Admin", "NetworkPolicy", "Baseline", "default allow"],
            root.GetProperty("assumptions").GetProperty("tiers").EnumerateArray().Select(t => t.GetString()));
        var connections = root.GetProperty("connections").EnumerateArray().ToList();
        var toWeb = Assert.Single(connections, c => c.GetProperty("src").TryGetProperty("name", out var n) && n.GetString() == "client" &&
            c.GetProperty("dst").TryGetProperty("name", out var d) && d.GetString() == "web");
        Assert.Equal("shop", toWeb.GetProperty("src").GetProperty("namespace").GetString());
        Assert.Equal("Deployment", toWeb.GetProperty("src").GetProperty("kind").GetString());
        var allowed = Assert.Single(toWeb.GetProperty("allowed").EnumerateArray());
        Assert.Equal(("TCP", 8080, 8080), (allowed.GetProperty("protocol").GetString(), allowed.GetProperty("from").GetInt32(), allowed.GetProperty("to").GetInt32()));
        var external = Assert.Single(connections, c => c.GetProperty("src").TryGetProperty("name", out var n) && n.GetString() == "client" &&
            c.GetProperty("dst").TryGetProperty("external", out _));
        Assert.Equal(["10.0.0.0-10.95.255.255", "10.112.0.0-10.255.255.255"],
            external.GetProperty("dst").GetProperty("external").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("all", connections.First(c => c.GetProperty("src").TryGetProperty("name", out var n) && n.GetString() == "web").GetProperty("allowed").GetString());
        var notEvaluated = Assert.Single(root.GetProperty("notEvaluated").EnumerateArray());
        Assert.Equal("CiliumNetworkPolicy", notEvaluated.GetProperty("kind").GetString());
        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        Assert.Empty(root.GetProperty("policyEffectUnknown").EnumerateArray());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public void Should_Filter_By_Focus_And_Port_In_Csv()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("netpol", "connectivity", "-f", _file, "--focus", "shop/web", "--port", "8080/tcp", "-o", "csv");

        // Then: web's own egress and client's ingress are open, cut to TCP 8080; web's ingress admits client only
        Assert.Equal(0, code);
        Assert.Equal(
            "src,dst,allowed\n" +
            "shop/Deployment/client,shop/Deployment/web,TCP 8080\n" +
            "shop/Deployment/web,shop/Deployment/client,TCP 8080\n" +
            "shop/Deployment/web,0.0.0.0-255.255.255.255 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,TCP 8080\n",
            stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Print_A_Table_With_The_Assumptions_And_Not_Evaluated_Kinds()
    {
        // When
        var (code, stdout, _) = CliRunner.Run("netpol", "connectivity", "-f", _file);

        // Then
        Assert.Equal(0, code);
        Assert.Contains("shop/Deployment/client", stdout, StringComparison.Ordinal);
        Assert.Contains("ipBlockMatchesPods: false", stdout, StringComparison.Ordinal);
        Assert.Contains("CiliumNetworkPolicy shop/extra", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("md", "| Source | Destination | Allowed |")]
    [InlineData("dot", "digraph connectivity {")]
    public void Should_Write_Markdown_And_Dot(string format, string expected)
    {
        var (code, stdout, _) = CliRunner.Run("netpol", "connectivity", "-f", _file, "-o", format);

        Assert.Equal(0, code);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_2_With_The_Field_When_A_Policy_Is_Invalid()
    {
        // Given
        var invalid = _dir.Write("broken.yaml", Invalid);

        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", _file, invalid, "-o", "json");

        // Then: the error names file, line and field; the report is still written, without the invalid policy
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("broken.yaml:8:", line, StringComparison.Ordinal);
        Assert.Contains("NetworkPolicy shop/broken: spec.ingress[0].ports[0].port: invalid value 0", line, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
    }

    [Theory]
    [InlineData("--port", "99999")]
    [InlineData("--port", "80/icmp")]
    [InlineData("--focus", "shop/nothing")]
    [InlineData("--namespace", "nowhere")]
    public void Should_Exit_2_With_One_Line_On_A_Bad_Option(string option, string value)
    {
        var (code, _, stderr) = CliRunner.Run("netpol", "connectivity", "-f", _file, option, value);

        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Should_Explain_An_Allowed_Port_With_Exit_0_And_A_Denied_One_With_Exit_1()
    {
        // When
        var (allowedCode, allowedOut, _) = CliRunner.Run("netpol", "explain", "shop/client", "shop/web", "--port", "8080/TCP", "-f", _file, "-o", "json");
        var (deniedCode, deniedOut, _) = CliRunner.Run("netpol", "explain", "shop/client", "shop/web", "--port", "80", "-f", _file);

        // Then
        Assert.Equal(0, allowedCode);
        using var json = JsonDocument.Parse(allowedOut);
        var part = Assert.Single(json.RootElement.GetProperty("explanations")[0].GetProperty("parts").EnumerateArray());
        Assert.True(part.GetProperty("allowed").GetBoolean());
        var reason = Assert.Single(part.GetProperty("ingress").GetProperty("reasons").EnumerateArray());
        Assert.Equal("shop/web-ingress", reason.GetProperty("policy").GetString());
        Assert.Equal("ingress[0]", reason.GetProperty("rule").GetString());
        Assert.Equal(28, reason.GetProperty("line").GetInt32()); // the "- from:" line of ingress[0]
        Assert.Equal("allowed", part.GetProperty("egress").GetProperty("verdict").GetString());
        Assert.Equal(1, deniedCode);
        Assert.Contains("DENIED", deniedOut, StringComparison.Ordinal);
        Assert.Contains("isolated for ingress by NetworkPolicy shop/web-ingress", deniedOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Explain_Towards_An_Address()
    {
        var (code, stdout, _) = CliRunner.Run("netpol", "explain", "shop/client", "10.0.0.10", "--port", "53/UDP", "-f", _file);

        Assert.Equal(0, code);
        Assert.Contains("allowed by NetworkPolicy shop/client-egress egress[1]", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.2")]
    [InlineData("shop/client", "shop/nothing")]
    [InlineData("shop/client", "10.0.0.0/33")]
    public void Should_Exit_2_When_Explain_Cannot_Resolve_Its_Ends(string src, string dst)
    {
        var (code, _, stderr) = CliRunner.Run("netpol", "explain", src, dst, "-f", _file);

        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
