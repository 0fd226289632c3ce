using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>
/// `bulwark netpol gaps` and the network rules of `bulwark scan` on the bundled examples, against what
/// examples/NETWORK.md (written by hand) says: the hardened shop has no gap above info, and the insecure shop's
/// planted mistakes are found where they are written.
/// </summary>
public sealed class NetpolGapsExamplesTests
{
    private static string Examples => Path.Combine(RulesCommandTests.RepoRoot(), "examples");

    private static JsonDocument Gaps(string example, params string[] extra)
    {
        var (code, stdout, stderr) = CliRunner.Run(["netpol", "gaps", "-f", Path.Combine(Examples, example), "-o", "json", "--fail-on", "none", .. extra]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout);
    }

    private static IEnumerable<JsonElement> OfId(JsonDocument json, string id) =>
        json.RootElement.GetProperty("gaps").EnumerateArray().Where(g => g.GetProperty("id").GetString() == id);

    private static string Workload(JsonElement e) =>
        $"{e.GetProperty("namespace").GetString()}/{e.GetProperty("kind").GetString()}/{e.GetProperty("name").GetString()}";

    [Fact]
    public void Should_Find_No_Gap_Above_Info_In_The_Hardened_Shop()
    {
        using var json = Gaps("hardened");

        // Only payments-api reaches public addresses (203.0.113.0/24 on TCP 443): an allow-list, info; order-sync's and
        // coredns's external peers are private addresses, inside the default cluster ranges.
        var gaps = json.RootElement.GetProperty("gaps").EnumerateArray().ToList();
        Assert.All(gaps, g => Assert.Equal("info", g.GetProperty("severity").GetString()));
        var egress = Assert.Single(OfId(json, "netpol-workload-internet-egress"));
        Assert.Equal("payments/Deployment/payments-api", Workload(egress.GetProperty("workload")));
        var reach = Assert.Single(egress.GetProperty("reachable").EnumerateArray());
        Assert.Equal(["203.0.113.0-203.0.113.255"], reach.GetProperty("dst").GetProperty("external").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("TCP 443-443", string.Join(",", reach.GetProperty("allowed").EnumerateArray().Select(a => $"{a.GetProperty("protocol").GetString()} {a.GetProperty("from").GetInt32()}-{a.GetProperty("to").GetInt32()}")));
        foreach (var id in new[] { "netpol-namespace-without-default-deny", "netpol-workload-not-isolated", "netpol-policy-selects-nothing", "netpol-rule-never-matches" })
        {
            Assert.Empty(OfId(json, id));
        }

        // Into the sensitive namespaces (.bulwark.yaml: kube-system, payments): DNS from all 7 workloads, and payments-api
        // from checkout and monthly-report (8080) and the scraper (9090); nothing reaches ledger-db from outside payments.
        var sensitive = OfId(json, "netpol-sensitive-namespace-reachable").ToDictionary(g => Workload(g.GetProperty("workload")),
            g => g.GetProperty("sources").EnumerateArray().Select(s => Workload(s.GetProperty("src"))).ToList());
        Assert.Equal(["kube-system/Deployment/coredns", "payments/Deployment/payments-api"], sensitive.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(7, sensitive["kube-system/Deployment/coredns"].Count);
        Assert.Equal(["monitoring/Deployment/scraper", "shop/Deployment/checkout", "shop/Job/monthly-report"], sensitive["payments/Deployment/payments-api"]);
    }

    [Fact]
    public void Should_Find_The_Planted_Mistakes_Of_The_Insecure_Shop()
    {
        using var json = Gaps("insecure");

        // 1. The indentation trap: every workload of shop reaches the ledger on 5432; and the second peer (app=checkout in
        //    payments) matches nothing
        var ledger = Assert.Single(OfId(json, "netpol-sensitive-namespace-reachable"), g => Workload(g.GetProperty("workload")) == "payments/StatefulSet/ledger-db");
        Assert.Equal("medium", ledger.GetProperty("severity").GetString());
        Assert.Equal(["shop/CronJob/order-sync", "shop/Deployment/checkout", "shop/Deployment/storefront"],
            ledger.GetProperty("sources").EnumerateArray().Select(s => Workload(s.GetProperty("src"))).Order(StringComparer.Ordinal));
        var rules = OfId(json, "netpol-rule-never-matches").Select(g => $"{g.GetProperty("policy").GetString()} {g.GetProperty("rule").GetString()} {g.GetProperty("part").GetString()}").ToList();
        Assert.Contains("payments/ledger-db-from-checkout ingress[0] peer", rules);

        // 2. The named port no pod declares: the whole rule is dead
        Assert.Contains("payments/ledger-db-metrics ingress[0] rule", rules);
        Assert.Equal(2, rules.Count);

        // 3. The policy that selects nothing (a typo of checkout)
        Assert.Equal("shop/checkout-ingress", Assert.Single(OfId(json, "netpol-policy-selects-nothing")).GetProperty("policy").GetString());

        // 4. Namespaces without default deny, both directions: all but payments
        var namespaces = OfId(json, "netpol-namespace-without-default-deny").Select(g => $"{g.GetProperty("namespace").GetString()} {g.GetProperty("direction").GetString()}").ToList();
        Assert.Equal(
            ["default Egress", "default Ingress", "kube-system Egress", "kube-system Ingress", "kubernetes-dashboard Egress", "kubernetes-dashboard Ingress",
             "monitoring Egress", "monitoring Ingress", "shop Egress", "shop Ingress"],
            namespaces.Order(StringComparer.Ordinal));
        var notIsolated = OfId(json, "netpol-workload-not-isolated").Select(g => $"{Workload(g.GetProperty("workload"))} {g.GetProperty("direction").GetString()}").ToList();
        Assert.Equal(
            ["default/Job/monthly-report Egress", "default/Job/monthly-report Ingress", "kube-system/Deployment/coredns Egress", "kube-system/Deployment/coredns Ingress",
             "kubernetes-dashboard/Deployment/kubernetes-dashboard Egress", "kubernetes-dashboard/Deployment/kubernetes-dashboard Ingress",
             "shop/CronJob/order-sync Egress", "shop/Deployment/checkout Egress", "shop/Deployment/storefront Egress"],
            notIsolated.Order(StringComparer.Ordinal));

        // 5. The ledger's egress to 0.0.0.0/0: every IPv4 address outside the cluster ranges, every port, no IPv6
        var egress = Assert.Single(OfId(json, "netpol-workload-internet-egress"), g => Workload(g.GetProperty("workload")) == "payments/StatefulSet/ledger-db");
        var reach = Assert.Single(egress.GetProperty("reachable").EnumerateArray());
        Assert.Equal("all", reach.GetProperty("allowed").GetString());
        Assert.Equal(["0.0.0.0-9.255.255.255", "11.0.0.0-172.15.255.255", "172.32.0.0-192.167.255.255", "192.169.0.0-255.255.255.255"],
            reach.GetProperty("dst").GetProperty("external").EnumerateArray().Select(e => e.GetString()));

        // node-exporter (hostNetwork) is listed apart
        Assert.Equal(["monitoring/DaemonSet/node-exporter"], json.RootElement.GetProperty("policyEffectUnknown").EnumerateArray().Select(Workload));
    }

    [Fact]
    public void Should_Report_The_Planted_Mistakes_As_Scan_Findings_Where_They_Are_Written()
    {
        var (code, stdout, _) = CliRunner.Run("scan", Path.Combine(Examples, "insecure"), "-o", "json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (Rule: f.GetProperty("rule").GetString()!, File: Path.GetFileName(f.GetProperty("location").GetProperty("file").GetString()!),
                Object: f.GetProperty("object").GetProperty("name").GetString()!, Severity: f.GetProperty("severity").GetString()!))
            .ToList();
        Assert.Contains(("netpol-sensitive-namespace-reachable", "payments.yaml", "ledger-db", "medium"), findings);
        Assert.Contains(("netpol-rule-never-matches", "network-policies.yaml", "ledger-db-from-checkout", "low"), findings);
        Assert.Contains(("netpol-rule-never-matches", "network-policies.yaml", "ledger-db-metrics", "low"), findings);
        Assert.Contains(("netpol-policy-selects-nothing", "network-policies.yaml", "checkout-ingress", "low"), findings);
        Assert.Contains(("netpol-workload-internet-egress", "payments.yaml", "ledger-db", "medium"), findings);
        Assert.Contains(("netpol-namespace-without-default-deny", "kube-system.yaml", "coredns", "high"), findings); // no Namespace object: at the namespace field of its first workload
        Assert.DoesNotContain(findings, f => f.Rule is "namespace-without-default-deny" or "sensitive-namespace-open-ingress");
    }
}
