using Bulwark.Loading;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class ExplainTests
{
    private const string Shop = NetworkTestInput.WebAndClient + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: http}]
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
                - port: 80
            - from:
                - ipBlock: {cidr: 203.0.113.0/24}
              ports:
                - port: http
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress-more, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: web}
          ingress:
            - from:
                - podSelector: {}
              ports:
                - port: 80
        """;

    [Fact]
    public void Should_Deny_The_Service_Target_Port_When_The_Policy_Names_The_Service_Port()
    {
        // Given: the Service maps 80 to the pod's 8080; the policy allows 80 (checklist 7: the pod port counts)
        var (evaluator, model) = Build(Shop);
        var client = Endpoint(model, "shop/client");
        var web = Endpoint(model, "shop/web");
        var service = Assert.Single(model.Services);
        var target = service.TargetConnections(web.Workload);
        Assert.Equal("TCP 8080", target.ToString());

        // When
        var explanation = Assert.Single(Explainer.Explain(evaluator, client, web, target));

        // Then
        var part = Assert.Single(explanation.Parts);
        Assert.False(part.Allowed);
        Assert.True(part.Egress.Allowed);
        Assert.Null(part.Egress.Tier);
        Assert.Contains("no policy isolates shop/Deployment/client for egress", part.Egress.Summary, StringComparison.Ordinal);
        Assert.False(part.Ingress.Allowed);
        Assert.Equal("NetworkPolicy", part.Ingress.Tier);
        var reason = Assert.Single(part.Ingress.Reasons);
        Assert.Equal(TierVerdict.Deny, reason.Verdict);
        Assert.Contains("isolated for ingress by NetworkPolicy shop/web-ingress, shop/web-ingress-more", reason.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_Every_Rule_That_Admits_A_Port()
    {
        // Given
        var (evaluator, model) = Build(Shop);

        // When
        var explanation = Assert.Single(Explainer.Explain(evaluator, Endpoint(model, "shop/client"), Endpoint(model, "shop/web")));

        // Then: TCP 80 is admitted by a rule of each policy; everything else is denied by isolation
        Assert.Equal("TCP 80", explanation.Allowed.ToString());
        var allowed = Assert.Single(explanation.Parts, p => p.Allowed);
        Assert.Equal(["shop/web-ingress ingress[0]", "shop/web-ingress-more ingress[0]"],
            allowed.Ingress.Reasons.Select(r => $"{r.PolicyRef} {r.Rule}"));
        Assert.Equal("/spec/ingress/0", allowed.Ingress.Reasons[0].Pointer);
        var denied = Assert.Single(explanation.Parts, p => !p.Allowed);
        Assert.Equal("TCP 1-79,81-65535; UDP 1-65535; SCTP 1-65535; other protocols", denied.Connections.ToString());
    }

    [Fact]
    public void Should_Judge_Only_The_Workload_Side_For_An_External_Source()
    {
        // Given
        var (evaluator, model) = Build(Shop);
        Assert.True(IpRange.TryParse("203.0.113.9", out var address));

        // When
        var explanation = Assert.Single(Explainer.Explain(evaluator, new ExternalEndpoint(IpRangeSet.Of(address)), Endpoint(model, "shop/web")));

        // Then: the named port resolves on the destination pod (8080)
        Assert.Equal("TCP 8080", explanation.Allowed.ToString());
        var part = Assert.Single(explanation.Parts, p => p.Allowed);
        Assert.False(part.Egress.Judged);
        Assert.Equal("shop/web-ingress ingress[1]", $"{part.Ingress.Reasons[0].PolicyRef} {part.Ingress.Reasons[0].Rule}");
    }

    [Fact]
    public void Should_Split_An_External_Range_At_Ipblock_Boundaries()
    {
        // Given
        var (evaluator, model) = Build(Shop);
        Assert.True(IpRange.TryParse("203.0.112.0/23", out var range));

        // When
        var explanations = Explainer.Explain(evaluator, new ExternalEndpoint(IpRangeSet.Of(range)), Endpoint(model, "shop/web"));

        // Then
        Assert.Equal(["203.0.112.0-203.0.112.255: none", "203.0.113.0-203.0.113.255: TCP 8080"],
            explanations.Select(e => $"{e.Source}: {e.Allowed}"));
    }

    [Fact]
    public void Should_Agree_With_Connectivity_For_Every_Pair_Of_A_Fixture()
    {
        // Given: every fixture; explain's allowed set must equal the connectivity report's
        foreach (var folder in Directory.GetDirectories(NetworkFixtureTests.FixtureRoot))
        {
            var load = new ManifestLoader().Load([Path.Combine(folder, "manifests.yaml")]);
            var model = NetworkModel.Build(load.Objects);
            var evaluator = new PolicyEvaluator(model, new AnalysisOptions { IncludeSelf = true });
            var report = ConnectivityAnalyzer.Analyze(evaluator);
            var workloads = model.Workloads.Where(w => !w.HostNetwork).ToList();
            foreach (var src in workloads)
            {
                foreach (var dst in workloads)
                {
                    // When
                    var explained = Assert.Single(Explainer.Explain(evaluator, new WorkloadEndpoint(src), new WorkloadEndpoint(dst))).Allowed;

                    // Then
                    var listed = report.Connections.SingleOrDefault(c => c.Source is WorkloadEndpoint s && s.Workload == src && c.Destination is WorkloadEndpoint d && d.Workload == dst)?.Allowed ?? ConnectionSet.None;
                    Assert.True(listed.Equals(explained), $"{Path.GetFileName(folder)}: {src} -> {dst}: connectivity {listed}, explain {explained}");
                }
            }
        }
    }

    private static (PolicyEvaluator Evaluator, NetworkModel Model) Build(string yaml) => NetworkTestInput.Evaluate(yaml);

    private static WorkloadEndpoint Endpoint(NetworkModel model, string reference) => NetworkTestInput.Endpoint(model, reference);
}
