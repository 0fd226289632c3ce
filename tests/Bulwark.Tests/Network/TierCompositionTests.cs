using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

/// <summary>The tier contract admin tiers build on: Admin → NetworkPolicy → Baseline → default allow.</summary>
public sealed class TierCompositionTests
{
    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a, namespace: x}
        spec:
          selector: {matchLabels: {app: a}}
          template:
            metadata: {labels: {app: a}}
            spec:
              containers: [{name: main, image: "example/a:1.0"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: b, namespace: x}
        spec:
          selector: {matchLabels: {app: b}}
          template:
            metadata: {labels: {app: b}}
            spec:
              containers: [{name: main, image: "example/b:1.0"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: b-web, namespace: x}
        spec:
          podSelector:
            matchLabels: {app: b}
          ingress:
            - ports: [{port: 80}, {port: 22}]
        """;

    [Fact]
    public void Should_Let_An_Earlier_Tier_Decide_First_And_A_Later_Tier_Only_What_Is_Left()
    {
        // Given: an admin tier denying TCP 22 and passing TCP 80 everywhere; a baseline tier denying all ingress
        var model = NetworkModel.Build(new ManifestLoader().LoadText(Manifests, "t.yaml").Objects);
        var tcp22 = ConnectionSet.Of(Protocol.Tcp, 22, 22);
        var tcp80 = ConnectionSet.Of(Protocol.Tcp, 80, 80);
        var admin = new FixedTier("Admin", null, allow: ConnectionSet.None, decided: tcp22, explain: [(TierVerdict.Pass, tcp80), (TierVerdict.Deny, tcp22)]);
        var baseline = new FixedTier("Baseline", TrafficDirection.Ingress, allow: ConnectionSet.None, decided: ConnectionSet.All, explain: [(TierVerdict.Deny, ConnectionSet.All)]);
        var evaluator = new PolicyEvaluator(model, AnalysisOptions.Default, [admin, new NetworkPolicyTier(model), baseline]);
        var a = evaluator.Universe.ClassOf(model.Workloads[0])!;
        var b = evaluator.Universe.ClassOf(model.Workloads[1])!;

        // When
        var aToB = evaluator.Allowed(a, b);
        var bToA = evaluator.Allowed(b, a);

        // Then: b's ingress is decided by NetworkPolicy (80 allowed; 22 was denied earlier by the admin tier);
        // a's ingress is isolated by nobody, so the baseline tier denies it all
        Assert.Equal("TCP 80", aToB.ToString());
        Assert.True(bToA.IsEmpty);
        Assert.Equal(["Admin -> NetworkPolicy -> Baseline -> default allow"], evaluator.Assumptions.Where(x => x.Name == "tiers").Select(x => x.Value));

        // And explain names the deciding tier per part (Pass hands TCP 80 on to the NetworkPolicy tier)
        var explanation = Assert.Single(Explainer.Explain(evaluator, new WorkloadEndpoint(model.Workloads[0]), new WorkloadEndpoint(model.Workloads[1])));
        var byText = explanation.Parts.ToDictionary(p => p.Connections.ToString(), p => (p.Egress.Tier, p.Ingress.Tier, p.Allowed));
        Assert.Equal(("Admin", "Admin", false), byText["TCP 22"]);
        Assert.Equal((null, "NetworkPolicy", true), byText["TCP 80"]);
    }

    /// <summary>A tier that decides the same thing for every subject and peer (in one direction, or both when null).</summary>
    private sealed class FixedTier : IPolicyTier
    {
        private readonly TrafficDirection? _direction;
        private readonly ConnectionSet _allow;
        private readonly ConnectionSet _decided;
        private readonly (TierVerdict Verdict, ConnectionSet Set)[] _explain;
        private TierRow? _row;

        public FixedTier(string name, TrafficDirection? direction, ConnectionSet allow, ConnectionSet decided, (TierVerdict, ConnectionSet)[] explain)
        {
            Name = name;
            _direction = direction;
            _allow = allow;
            _decided = decided;
            _explain = explain;
        }

        public string Name { get; }

        public IEnumerable<IpRange> AddressBoundaries => [];

        public IReadOnlyList<string> Warnings => [];

        public bool Evaluates(KubeObject obj) => false;

        public void Prepare(AnalysisUniverse universe)
        {
            var allow = universe.Pool.Intern(_allow);
            var decided = universe.Pool.Intern(_decided);
            _row = new TierRow(
                Enumerable.Repeat(allow, universe.Classes.Count).ToArray(), Enumerable.Repeat(allow, universe.External.Atoms.Count).ToArray(),
                Enumerable.Repeat(decided, universe.Classes.Count).ToArray(), Enumerable.Repeat(decided, universe.External.Atoms.Count).ToArray());
        }

        public TierRow? Row(TrafficDirection direction, EndpointClass subject) => _direction is null || _direction == direction ? _row : null;

        public IReadOnlyList<TierDecision> Explain(TrafficDirection direction, Workload subject, Endpoint peer) =>
            _direction is not null && _direction != direction ? [] : _explain.Select(e => new TierDecision(Name, e.Verdict, e.Set, null, null, null, null, $"{Name} {e.Verdict}")).ToList();
    }
}
