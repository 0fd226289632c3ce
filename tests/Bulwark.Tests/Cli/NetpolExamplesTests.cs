using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>
/// `bulwark netpol` on the bundled examples: the hardened shop allows exactly the connections examples/NETWORK.md lists
/// (written by hand from the manifests), and the insecure shop's planted mistakes show up as NETWORK.md says.
/// </summary>
public sealed class NetpolExamplesTests
{
    private static string Examples => Path.Combine(RulesCommandTests.RepoRoot(), "examples");

    private static string Hardened => Path.Combine(Examples, "hardened");

    private static string Insecure => Path.Combine(Examples, "insecure");

    [Fact]
    public void Should_Allow_Exactly_The_Intended_Connections_Of_The_Hardened_Shop()
    {
        const string dns = "TCP 53; UDP 53";
        var expected = new[]
        {
            "external 0.0.0.0-255.255.255.255 -> shop/Deployment/storefront : TCP 8080", // 1
            "shop/Deployment/storefront -> shop/Deployment/checkout : TCP 8080", // 2
            "shop/CronJob/order-sync -> shop/Deployment/checkout : TCP 8080", // 3
            "shop/CronJob/order-sync -> external 10.0.0.10-10.0.0.10 : TCP 6443", // 4
            "shop/Deployment/checkout -> payments/Deployment/payments-api : TCP 8080", // 5
            "shop/Job/monthly-report -> payments/Deployment/payments-api : TCP 8080", // 6
            "payments/Deployment/payments-api -> payments/StatefulSet/ledger-db : TCP 5432", // 7
            "payments/Deployment/payments-api -> external 203.0.113.0-203.0.113.255 : TCP 443", // 8
            "monitoring/Deployment/scraper -> shop/Deployment/storefront : TCP 9090", // 9
            "monitoring/Deployment/scraper -> shop/Deployment/checkout : TCP 9090", // 10
            "monitoring/Deployment/scraper -> payments/Deployment/payments-api : TCP 9090", // 11
            $"shop/Deployment/storefront -> kube-system/Deployment/coredns : {dns}", // 12, seven times
            $"shop/Deployment/checkout -> kube-system/Deployment/coredns : {dns}",
            $"shop/CronJob/order-sync -> kube-system/Deployment/coredns : {dns}",
            $"shop/Job/monthly-report -> kube-system/Deployment/coredns : {dns}",
            $"payments/Deployment/payments-api -> kube-system/Deployment/coredns : {dns}",
            $"payments/StatefulSet/ledger-db -> kube-system/Deployment/coredns : {dns}",
            $"monitoring/Deployment/scraper -> kube-system/Deployment/coredns : {dns}",
            $"kube-system/Deployment/coredns -> external 10.0.0.2-10.0.0.2 : {dns}", // 13
            "kube-system/Deployment/coredns -> external 10.0.0.10-10.0.0.10 : TCP 6443", // 14
        };

        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", Hardened, "-o", "json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var actual = Connections(json);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Empty(json.RootElement.GetProperty("policyEffectUnknown").EnumerateArray());
    }

    [Theory]
    [InlineData("shop/storefront", "shop/checkout", "8080/TCP", 0)]
    [InlineData("payments/payments-api", "payments/ledger-db", "5432/TCP", 0)]
    [InlineData("shop/storefront", "payments/ledger-db", "5432/TCP", 1)]
    [InlineData("shop/checkout", "payments/ledger-db", "5432/TCP", 1)]
    [InlineData("monitoring/scraper", "payments/ledger-db", "5432/TCP", 1)]
    [InlineData("shop/storefront", "203.0.113.7", "443/TCP", 1)]
    [InlineData("payments/payments-api", "203.0.113.7", "443/TCP", 0)]
    [InlineData("payments/payments-api", "198.51.100.7", "443/TCP", 1)]
    public void Should_Explain_The_Hardened_Shop_As_Written_Down(string source, string destination, string port, int exitCode)
    {
        var (code, stdout, stderr) = CliRunner.Run("netpol", "explain", source, destination, "-f", Hardened, "--port", port);

        Assert.True(code == exitCode, $"exit {code}, expected {exitCode}\n{stdout}\n{stderr}");
    }

    [Fact]
    public void Should_Show_The_Indentation_Trap_Of_The_Insecure_Shop()
    {
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", Insecure, "-o", "json", "--focus", "payments/ledger-db");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var into = Connections(json).Where(c => c.Contains("-> payments/StatefulSet/ledger-db", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        // Meant: checkout only. The two list items admit every pod of namespace shop.
        Assert.Equal(
        [
            "shop/CronJob/order-sync -> payments/StatefulSet/ledger-db : TCP 5432",
            "shop/Deployment/checkout -> payments/StatefulSet/ledger-db : TCP 5432",
            "shop/Deployment/storefront -> payments/StatefulSet/ledger-db : TCP 5432",
        ], into);
    }

    [Fact]
    public void Should_Explain_Why_The_Storefront_Reaches_The_Ledger_In_The_Insecure_Shop()
    {
        var (code, stdout, stderr) = CliRunner.Run("netpol", "explain", "shop/storefront", "payments/ledger-db", "-f", Insecure, "--port", "5432/TCP");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("payments/ledger-db-from-checkout ingress[0]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Let_The_Insecure_Ledger_Reach_All_Of_IPv4_On_Every_Port()
    {
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", Insecure, "-o", "json", "--focus", "payments/ledger-db");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var from = Connections(json).Where(c => c.StartsWith("payments/StatefulSet/ledger-db ->", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        // The backup policy's ipBlock 0.0.0.0/0 without ports; in the cluster, DNS only (ipBlocks do not match pods).
        Assert.Equal(
        [
            "payments/StatefulSet/ledger-db -> external 0.0.0.0-255.255.255.255 : all",
            "payments/StatefulSet/ledger-db -> kube-system/Deployment/coredns : TCP 53; UDP 53",
        ], from);
    }

    [Fact]
    public void Should_Warn_About_The_Named_Port_No_Pod_Declares_And_Set_The_HostNetwork_Exporter_Apart()
    {
        var (code, stdout, stderr) = CliRunner.Run("netpol", "connectivity", "-f", Insecure, "-o", "json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var unknown = Assert.Single(json.RootElement.GetProperty("policyEffectUnknown").EnumerateArray());
        Assert.Equal("node-exporter", unknown.GetProperty("name").GetString());
        Assert.Contains(json.RootElement.GetProperty("warnings").EnumerateArray(), w =>
            w.GetString()!.Contains("payments/ledger-db-metrics", StringComparison.Ordinal) && w.GetString()!.Contains("\"metrics\"", StringComparison.Ordinal));
    }

    /// <summary>Connections as "SRC -> DST : ALLOWED", ports per protocol ("TCP 53; UDP 53"), external ends as "external RANGE RANGE".</summary>
    private static List<string> Connections(JsonDocument json) =>
        json.RootElement.GetProperty("connections").EnumerateArray()
            .Select(c => $"{End(c.GetProperty("src"))} -> {End(c.GetProperty("dst"))} : {Allowed(c.GetProperty("allowed"))}")
            .ToList();

    private static string End(JsonElement end) => end.TryGetProperty("external", out var ranges)
        ? "external " + string.Join(" ", ranges.EnumerateArray().Select(r => r.GetString()))
        : $"{end.GetProperty("namespace").GetString()}/{end.GetProperty("kind").GetString()}/{end.GetProperty("name").GetString()}";

    private static string Allowed(JsonElement allowed) => allowed.ValueKind == JsonValueKind.String
        ? allowed.GetString()!
        : string.Join("; ", allowed.EnumerateArray()
            .GroupBy(r => r.GetProperty("protocol").GetString())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key + " " + string.Join(",", g.Select(r => r.GetProperty("from").GetInt32() == r.GetProperty("to").GetInt32()
                ? $"{r.GetProperty("from").GetInt32()}"
                : $"{r.GetProperty("from").GetInt32()}-{r.GetProperty("to").GetInt32()}"))));
}
