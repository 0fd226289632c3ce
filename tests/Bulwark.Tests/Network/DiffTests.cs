using Bulwark.Loading;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class DiffTests
{
    // shop: web (port 8080 "http", 9090 "metrics"), client; other: probe. No policy.
    private const string Workloads = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: shop}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec:
              containers: [{name: client, image: "curlimages/curl:8.8.0"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: probe, namespace: other}
        spec:
          selector: {matchLabels: {app: probe}}
          template:
            metadata: {labels: {app: probe}}
            spec:
              containers: [{name: probe, image: "busybox:1.36"}]
        """;

    private static string WebIngress(string clientLabel, string ports) => $$$"""
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
            - from:
                - podSelector:
                    matchLabels: {app: {{{clientLabel}}}}
              ports: [{{{ports}}}]
        """;

    [Fact]
    public void Should_Report_No_Change_For_Identical_Versions()
    {
        var diff = Diff(Workloads + "\n" + WebIngress("client", "{port: 8080}"), Workloads + "\n" + WebIngress("client", "{port: 8080}"));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Should_Remove_Every_Ingress_Connection_Of_A_Namespace_When_A_Default_Deny_Is_Added()
    {
        // Given: no policy before; after, shop denies all ingress
        const string deny = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: shop}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """;

        // When
        var diff = Diff(Workloads, Workloads + "\n" + deny);

        // Then: everything that entered web or client is gone (from the other workloads and from every address); the
        // rest (egress of shop, other's ingress) is untouched. Nothing is added or narrowed.
        Assert.All(diff.Changes, c => Assert.Equal(ChangeKind.Removed, c.Kind));
        Assert.All(diff.Changes, c => Assert.True(c.Before.IsAll && c.After.IsEmpty));
        Assert.Equal(
        [
            "0.0.0.0-255.255.255.255, ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/Deployment/client",
            "0.0.0.0-255.255.255.255, ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/Deployment/web",
            "other/Deployment/probe -> shop/Deployment/client",
            "other/Deployment/probe -> shop/Deployment/web",
            "shop/Deployment/client -> shop/Deployment/web",
            "shop/Deployment/web -> shop/Deployment/client",
        ], Pairs(diff).Order(StringComparer.Ordinal));
        Assert.Empty(diff.WorkloadsAdded);
        Assert.Empty(diff.WorkloadsRemoved);
    }

    [Fact]
    public void Should_Change_One_Pair_When_A_Port_Range_Is_Widened()
    {
        // When: web's ingress from client goes from TCP 8080 to TCP 8080-8090
        var diff = Diff(Workloads + "\n" + WebIngress("client", "{port: 8080}"), Workloads + "\n" + WebIngress("client", "{port: 8080, endPort: 8090}"));

        // Then
        var change = Assert.Single(diff.Changes);
        Assert.Equal(ChangeKind.Changed, change.Kind);
        Assert.Equal("shop/Deployment/client -> shop/Deployment/web", $"{change.Source} -> {change.Destination}");
        Assert.Equal("TCP 8080", change.Before.ToString());
        Assert.Equal("TCP 8080-8090", change.After.ToString());
        Assert.Equal("TCP 8081-8090", change.Gained.ToString());
        Assert.True(change.Lost.IsEmpty);
    }

    [Fact]
    public void Should_Add_A_Pair_When_A_Label_Typo_Is_Fixed()
    {
        // When: the peer selected app=clinet (no such pod) and now selects app=client
        var diff = Diff(Workloads + "\n" + WebIngress("clinet", "{port: http}"), Workloads + "\n" + WebIngress("client", "{port: http}"));

        // Then: only client -> web appears, on the port "http" resolves to
        var change = Assert.Single(diff.Changes);
        Assert.Equal(ChangeKind.Added, change.Kind);
        Assert.Equal("shop/Deployment/client -> shop/Deployment/web", $"{change.Source} -> {change.Destination}");
        Assert.True(change.Before.IsEmpty);
        Assert.Equal("TCP 8080", change.After.ToString());
    }

    [Fact]
    public void Should_Narrow_A_Pair_And_Show_What_Is_Lost()
    {
        // When: ports 8080 and 9090 become 8080 only
        var diff = Diff(Workloads + "\n" + WebIngress("client", "{port: 8080}, {port: 9090}"), Workloads + "\n" + WebIngress("client", "{port: 8080}"));

        // Then
        var change = Assert.Single(diff.Changes);
        Assert.Equal(ChangeKind.Changed, change.Kind);
        Assert.Equal("TCP 9090", change.Lost.ToString());
        Assert.True(change.Gained.IsEmpty);
    }

    [Fact]
    public void Should_Compare_External_Addresses_Range_By_Range()
    {
        // Given: client's egress to 10.0.0.0/8 on TCP 443, before with 10.1.0.0/16 excepted
        static string Egress(string block) => $$$"""
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: client-egress, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: client}}
              policyTypes: [Egress]
              egress:
                - to: [{ipBlock: {{{block}}}}]
                  ports: [{port: 443}]
            """;

        // When
        var diff = Diff(Workloads + "\n" + Egress("{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}"), Workloads + "\n" + Egress("{cidr: 10.0.0.0/8}"));

        // Then: the external atoms are cut differently in the two versions, but only 10.1.0.0/16 changes
        var change = Assert.Single(diff.Changes);
        Assert.Equal(ChangeKind.Added, change.Kind);
        Assert.Equal("shop/Deployment/client", change.Source.ToString());
        Assert.Equal("10.1.0.0-10.1.255.255", change.Destination.ToString());
        Assert.Equal("TCP 443", change.After.ToString());
    }

    [Fact]
    public void Should_List_Workloads_Added_And_Removed_With_Their_Connections()
    {
        // Given: probe is renamed to checker
        var renamed = Workloads.Replace("name: probe, namespace", "name: checker, namespace", StringComparison.Ordinal);

        // When
        var diff = Diff(Workloads, renamed);

        // Then
        Assert.Equal(["other/Deployment/checker"], diff.WorkloadsAdded.Select(r => r.ToString()));
        Assert.Equal(["other/Deployment/probe"], diff.WorkloadsRemoved.Select(r => r.ToString()));
        Assert.Contains(diff.Changes, c => c.Kind == ChangeKind.Added && c.Source.ToString() == "other/Deployment/checker" && c.Destination.ToString() == "shop/Deployment/web");
        Assert.Contains(diff.Changes, c => c.Kind == ChangeKind.Removed && c.Source.ToString() == "other/Deployment/probe" && c.Destination.ToString() == "shop/Deployment/web");
        Assert.DoesNotContain(diff.Changes, c => c.Kind == ChangeKind.Changed);
    }

    [Fact]
    public void Should_Unite_Repeated_Entries_Of_One_List()
    {
        // Given: the same pair twice in one list (an intended list may repeat), once with TCP 80 and once with UDP 53
        var model = Build(Workloads);
        var client = new WorkloadEndpoint(model.Workloads.Single(w => w.Name == "client"));
        var web = new WorkloadEndpoint(model.Workloads.Single(w => w.Name == "web"));
        var tcp = ConnectionSet.Of(Protocol.Tcp, 80, 80);
        var udp = ConnectionSet.Of(Protocol.Udp, 53, 53);

        // When
        var diff = ConnectivityDiff.Compare([new Connection(client, web, tcp), new Connection(client, web, udp)], [new Connection(client, web, tcp.Union(udp))]);

        // Then
        Assert.True(diff.IsEmpty);
    }

    private static IEnumerable<string> Pairs(ConnectivityDiff diff) => diff.Changes.Select(c => $"{c.Source} -> {c.Destination}");

    private static NetworkModel Build(string yaml)
    {
        var load = new ManifestLoader().LoadText(yaml, "test.yaml");
        Assert.Empty(load.Errors);
        return NetworkModel.Build(load.Objects);
    }

    private static ConnectivityDiff Diff(string before, string after)
    {
        var oldModel = Build(before);
        var newModel = Build(after);
        Assert.DoesNotContain(oldModel.Problems, p => p.IsError);
        Assert.DoesNotContain(newModel.Problems, p => p.IsError);
        var oldReport = ConnectivityAnalyzer.Analyze(new PolicyEvaluator(oldModel));
        var newReport = ConnectivityAnalyzer.Analyze(new PolicyEvaluator(newModel));
        return ConnectivityDiff.Compare(oldReport, oldModel, newReport, newModel);
    }
}
