using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Gaps;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

/// <summary>The gap report's details (reachable ranges, sources, unresolved peers, tiers), worked out by hand.</summary>
public sealed class GapAnalyzerTests
{
    private const string Shop = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "example/web:1.0", ports: [{name: http, containerPort: 8080}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: shop}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec:
              containers: [{name: client, image: "example/client:1.0"}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: shop}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              hostNetwork: true
              containers: [{name: agent, image: "example/agent:1.0"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress, Egress]
          ingress:
            - from:
                - podSelector: {matchLabels: {app: client}}
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
              ports: [{port: http}]
          egress:
            - to:
                - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
              ports: [{port: 443}]
        """;

    private static (PolicyEvaluator Evaluator, NetworkModel Model) Evaluate(string yaml, IReadOnlyList<IPolicyTier>? tiers = null) =>
        NetworkTestInput.Evaluate(yaml, tiers);

    [Fact]
    public void Should_List_The_External_Ranges_Outside_The_Cluster_Ranges_With_Their_Ports()
    {
        // Given: web may send TCP 443 to 0.0.0.0/0 except 10.0.0.0/8; 172.16.0.0/12 and 192.168.0.0/16 are cluster ranges too
        var (evaluator, _) = Evaluate(Shop);

        // When
        var report = GapAnalyzer.Analyze(evaluator);

        // Then
        var web = Assert.Single(report.OfKind(GapKind.WorkloadInternetEgress), g => g.Workload!.Name == "web");
        var reach = Assert.Single(web.External);
        Assert.Equal("TCP 443", reach.Allowed.ToString());
        Assert.Equal("0.0.0.0-9.255.255.255, 11.0.0.0-172.15.255.255, 172.32.0.0-192.167.255.255, 192.169.0.0-255.255.255.255", reach.Addresses.ToString());
        Assert.Equal(Severity.Low, web.Severity);

        // client is not egress-isolated: every address outside the cluster ranges, all traffic
        var client = Assert.Single(report.OfKind(GapKind.WorkloadInternetEgress), g => g.Workload!.Name == "client");
        var open = Assert.Single(client.External);
        Assert.True(open.Allowed.IsAll);
        Assert.Equal("0.0.0.0-9.255.255.255, 11.0.0.0-172.15.255.255, 172.32.0.0-192.167.255.255, 192.169.0.0-255.255.255.255, ::-fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, fe00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", open.Addresses.ToString());
        Assert.Equal(Severity.Medium, client.Severity);
        Assert.Contains("every address outside the cluster ranges on every port and protocol", client.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Take_The_Cluster_Ranges_From_The_Options()
    {
        // Given: the whole address space is the cluster's
        var (evaluator, _) = Evaluate(Shop);
        Assert.True(GapOptions.TryParseCidrs(["0.0.0.0/0", "::/0"], out var cidrs, out _));

        // When
        var report = GapAnalyzer.Analyze(evaluator, new GapOptions { ClusterCidrs = cidrs });

        // Then
        Assert.Empty(report.OfKind(GapKind.WorkloadInternetEgress));
        Assert.Contains(report.Assumptions, a => a.Name == "clusterCidrs" && a.Value.StartsWith("0.0.0.0/0, ::/0", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Leave_HostNetwork_Workloads_Apart_And_List_Unresolved_Peers()
    {
        var (evaluator, _) = Evaluate(Shop);

        var report = GapAnalyzer.Analyze(evaluator);

        Assert.Equal("shop/DaemonSet/agent", Assert.Single(report.PolicyEffectUnknown).Ref.ToString());
        Assert.DoesNotContain(report.Gaps, g => g.Workload?.Name == "agent");
        var peer = Assert.Single(report.UnresolvedPeers);
        Assert.Equal("ingress[0]", peer.Rule.Label);
        Assert.Equal("/spec/ingress/0/from/1", peer.Peer.Pointer);

        // Not isolated: client both ways (web is isolated both ways); the namespace lacks both default denies
        Assert.Equal(["shop/Deployment/client Ingress", "shop/Deployment/client Egress"],
            report.OfKind(GapKind.WorkloadNotIsolated).Select(g => $"{g.Workload!.Ref} {g.Direction}"));
        Assert.Equal([TrafficDirection.Ingress, TrafficDirection.Egress],
            report.OfKind(GapKind.NamespaceWithoutDefaultDeny).Select(g => g.Direction!.Value));

        // Gaps come by kind, in the order of GapKind
        Assert.Equal(report.Gaps.Select(g => g.Kind).Order(), report.Gaps.Select(g => g.Kind));
    }

    [Fact]
    public void Should_List_Every_Source_Into_A_Sensitive_Namespace_With_Its_Ports()
    {
        // Given: kube-system's dns admits every namespace on UDP 53; shop/client's egress is open, shop/web's egress
        // only reaches 443 outside 10.0.0.0/8 (no pod); the ipBlock admits 192.0.2.0/24 on UDP 53 too
        var yaml = Shop + """

            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dns, namespace: kube-system}
            spec:
              selector: {matchLabels: {k8s-app: kube-dns}}
              template:
                metadata: {labels: {k8s-app: kube-dns}}
                spec:
                  containers: [{name: dns, image: "example/dns:1.0"}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: dns, namespace: kube-system}
            spec:
              podSelector: {}
              ingress:
                - from:
                    - namespaceSelector: {}
                    - ipBlock: {cidr: 192.0.2.0/24}
                  ports: [{protocol: UDP, port: 53}]
            """;
        var (evaluator, _) = Evaluate(yaml);

        // When
        var report = GapAnalyzer.Analyze(evaluator);

        // Then
        var gap = Assert.Single(report.OfKind(GapKind.SensitiveNamespaceReachable));
        Assert.Equal("kube-system/Deployment/dns", gap.Workload!.Ref.ToString());
        Assert.Equal(["shop/Deployment/client : UDP 53", "192.0.2.0-192.0.2.255 : UDP 53"], gap.Sources.Select(s => $"{s.Source} : {s.Allowed}"));
        Assert.Equal(Severity.Medium, gap.Severity); // external addresses reach it
    }

    [Fact]
    public void Should_Grade_A_Strict_Allow_List_Into_A_Sensitive_Namespace_As_Info()
    {
        // Given: payments/ledger admits shop/client only (not its neighbour shop/web), on 5432
        var yaml = Shop + """

            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: ledger, namespace: payments}
            spec:
              serviceName: ledger
              selector: {matchLabels: {app: ledger}}
              template:
                metadata: {labels: {app: ledger}}
                spec:
                  containers: [{name: ledger, image: "example/ledger:1.0"}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ledger, namespace: payments}
            spec:
              podSelector: {}
              ingress:
                - from:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
                      podSelector: {matchLabels: {app: client}}
                  ports: [{port: 5432}]
            """;
        var (evaluator, _) = Evaluate(yaml);

        // When
        var report = GapAnalyzer.Analyze(evaluator, new GapOptions { SensitiveNamespaces = ["payments"] });

        // Then
        var gap = Assert.Single(report.OfKind(GapKind.SensitiveNamespaceReachable));
        Assert.Equal(Severity.Info, gap.Severity);
        Assert.Equal(["shop/Deployment/client : TCP 5432"], gap.Sources.Select(s => $"{s.Source} : {s.Allowed}"));
        Assert.Equal("payments/StatefulSet/ledger in sensitive namespace payments can be reached by 1 workload of 1 other namespace: shop/Deployment/client on TCP 5432", gap.Message);
    }

    [Fact]
    public void Should_Count_A_Workload_Isolated_By_Another_Tier()
    {
        // Given: an admin-like tier that denies all egress of every workload
        var (_, model) = Evaluate(Shop);
        var evaluator = new PolicyEvaluator(model, AnalysisOptions.Default, [new DenyEgressTier(), new NetworkPolicyTier(model)]);

        // When
        var report = GapAnalyzer.Analyze(evaluator);

        // Then: nothing may reach the internet, and client is unprotected on ingress only
        Assert.Empty(report.OfKind(GapKind.WorkloadInternetEgress));
        Assert.Equal(["shop/Deployment/client Ingress"], report.OfKind(GapKind.WorkloadNotIsolated).Select(g => $"{g.Workload!.Ref} {g.Direction}"));
    }

    private sealed class DenyEgressTier : IPolicyTier
    {
        private TierRow? _row;

        public string Name => "Admin";

        public IEnumerable<IpRange> AddressBoundaries => [];

        public IReadOnlyList<string> Warnings => [];

        public bool Evaluates(KubeObject obj) => false;

        public void Prepare(AnalysisUniverse universe) =>
            _row = new TierRow(Enumerable.Repeat(universe.Pool.None, universe.Classes.Count).ToArray(),
                Enumerable.Repeat(universe.Pool.None, universe.External.Atoms.Count).ToArray(), null, null);

        public TierRow? Row(TrafficDirection direction, EndpointClass subject) => direction == TrafficDirection.Egress ? _row : null;

        public IReadOnlyList<TierDecision> Explain(TrafficDirection direction, Workload subject, Endpoint peer) => [];
    }
}
