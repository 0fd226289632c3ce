using System.Text;
using System.Text.Json;
using Bulwark.Loading;
using Bulwark.Network.AdminPolicies;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Rendering;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

/// <summary>The admin tiers: reading (validation, defaults, fail closed) and explain's verdict chain across tiers.</summary>
public sealed class AdminTierTests
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
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}]}]
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
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: site, namespace: blog}
        spec:
          selector: {matchLabels: {app: site}}
          template:
            metadata: {labels: {app: site}}
            spec:
              containers: [{name: site, image: "ghost:5"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: shop}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: allow-monitoring}
        spec:
          priority: 10
          subject:
            namespaces: {}
          ingress:
            - name: pass-monitoring
              action: Pass
              from:
                - namespaces:
                    matchLabels: {kubernetes.io/metadata.name: monitoring}
              ports:
                - namedPort: http
            - action: Allow
              from:
                - namespaces:
                    matchLabels: {kubernetes.io/metadata.name: monitoring}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject:
            namespaces:
              matchLabels: {kubernetes.io/metadata.name: blog}
          ingress:
            - action: Deny
              from:
                - namespaces: {}
        """;

    [Fact]
    public void Should_Show_The_Pass_Chain_Down_To_The_NetworkPolicy_That_Denies()
    {
        // Given: TCP 8080 (http) from monitoring is passed to NetworkPolicy, which isolates shop and admits nothing;
        // every other port from monitoring is allowed by the Admin tier's second rule
        var (evaluator, model) = Build(Shop);

        // When
        var explanation = Assert.Single(Explainer.Explain(evaluator, Endpoint(model, "monitoring/prometheus"), Endpoint(model, "shop/web")));

        // Then
        Assert.Equal("TCP 1-8079,8081-65535; UDP 1-65535; SCTP 1-65535; other protocols", explanation.Allowed.ToString());
        var denied = Assert.Single(explanation.Parts, p => !p.Allowed);
        Assert.Equal("TCP 8080", denied.Connections.ToString());
        Assert.Equal("NetworkPolicy", denied.Ingress.Tier);
        var pass = Assert.Single(denied.Ingress.Passed);
        Assert.Equal(("Admin", TierVerdict.Pass, "AdminNetworkPolicy", "allow-monitoring", 10, "ingress[0]"),
            (pass.Tier, pass.Verdict, pass.PolicyKind, pass.PolicyRef, pass.Priority, pass.Rule));
        Assert.Equal(
            "passed by AdminNetworkPolicy allow-monitoring (priority 10) ingress[0]: rule \"pass-monitoring\": Pass from all pods in namespaces " +
            "kubernetes.io/metadata.name=monitoring on port \"http\" -> denied: NetworkPolicy: shop/Deployment/web is isolated for ingress by " +
            "NetworkPolicy shop/default-deny, and no ingress rule of it admits this",
            denied.Ingress.Summary);
        var allowed = Assert.Single(explanation.Parts, p => p.Allowed);
        Assert.Equal("Admin", allowed.Ingress.Tier);
        Assert.Empty(allowed.Ingress.Passed);
        Assert.Equal("ingress[1]", Assert.Single(allowed.Ingress.Reasons).Rule);
    }

    [Fact]
    public void Should_Let_The_Baseline_Decide_What_Was_Passed_When_No_NetworkPolicy_Isolates()
    {
        // Given: blog has no NetworkPolicy; the BaselineAdminNetworkPolicy denies every pod
        var (evaluator, model) = Build(Shop);

        // When
        var explanation = Assert.Single(Explainer.Explain(evaluator, Endpoint(model, "monitoring/prometheus"), Endpoint(model, "blog/site")));

        // Then: site declares no "http" port, so nothing is passed: the Admin Allow decides everything
        Assert.True(explanation.Allowed.IsAll);

        // And from web (not monitoring) the Admin tier matches nothing: the Baseline denies, with no pass in the chain
        var fromWeb = Assert.Single(Explainer.Explain(evaluator, Endpoint(model, "shop/web"), Endpoint(model, "blog/site")));
        var part = Assert.Single(fromWeb.Parts);
        Assert.Equal(("Baseline", false), (part.Ingress.Tier, part.Allowed));
        Assert.Equal("BaselineAdminNetworkPolicy", Assert.Single(part.Ingress.Reasons).PolicyKind);
        Assert.StartsWith("denied: BaselineAdminNetworkPolicy default ingress[0]: Deny from all pods in all namespaces", part.Ingress.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Write_The_Chain_In_Json_With_Kind_And_Priority()
    {
        // Given
        var (evaluator, model) = Build(Shop);
        var explanations = Explainer.Explain(evaluator, Endpoint(model, "monitoring/prometheus"), Endpoint(model, "shop/web"), ConnectionSet.Of(Protocol.Tcp, 8080, 8080));

        // When
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ExplanationWriter.WriteJson(writer, evaluator, explanations);
        }

        // Then
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        var root = json.RootElement;
        Assert.Equal(["Admin", "NetworkPolicy", "Baseline", "default allow"], root.GetProperty("assumptions").GetProperty("tiers").EnumerateArray().Select(t => t.GetString()));
        var ingress = Assert.Single(root.GetProperty("explanations")[0].GetProperty("parts").EnumerateArray()).GetProperty("ingress");
        Assert.Equal(("denied", "NetworkPolicy"), (ingress.GetProperty("verdict").GetString(), ingress.GetProperty("tier").GetString()));
        var passed = Assert.Single(ingress.GetProperty("passed").EnumerateArray());
        Assert.Equal("pass", passed.GetProperty("verdict").GetString());
        Assert.Equal("AdminNetworkPolicy", passed.GetProperty("kind").GetString());
        Assert.Equal("allow-monitoring", passed.GetProperty("policy").GetString());
        Assert.Equal(10, passed.GetProperty("priority").GetInt32());
        Assert.Equal(46, passed.GetProperty("line").GetInt32()); // the "- name: pass-monitoring" line
        Assert.Empty(root.GetProperty("notEvaluated").EnumerateArray());
    }

    [Fact]
    public void Should_Read_Defaults_And_Keep_Both_Kinds_Of_Ports()
    {
        // Given
        const string yaml = """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: ports}
            spec:
              priority: 0
              subject:
                pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}
              egress:
                - action: Allow
                  to: [{networks: ["10.0.0.1/8"]}]
                  ports:
                    - portRange: {start: 1000, end: 2000}
                    - portNumber: {protocol: UDP, port: 53}
            ---
            apiVersion: policy.networking.k8s.io/v1beta1
            kind: ClusterNetworkPolicy
            metadata: {name: beta}
            spec:
              tier: Baseline
              priority: 1000
              subject: {namespaces: {}}
              ingress:
                - action: Accept
                  from: [{pods: {podSelector: {}}}]
                  protocols: [{destinationNamedPort: metrics}, {sctp: {destinationPort: {range: {start: 5, end: 6}}}}]
            """;

        // When
        var model = NetworkModel.Build(new ManifestLoader().LoadText(yaml, "t.yaml").Objects);

        // Then
        Assert.DoesNotContain(model.Problems, p => p.IsError);
        var anp = model.AdminPolicies.Single(p => p.Name == "ports");
        var rule = Assert.Single(anp.EgressRules);
        Assert.Equal(["TCP 1000-2000", "UDP 53"], rule.Ports!.Select(p => p.ToString()));
        Assert.Equal("10.0.0.0/8", Assert.Single(Assert.Single(rule.Peers).Networks).ToString());
        Assert.Contains(model.Problems, p => p.Message.Contains("has bits set beyond the prefix length; read as 10.0.0.0/8", StringComparison.Ordinal));
        var cnp = model.AdminPolicies.Single(p => p.Name == "beta");
        Assert.Equal((AdminTierKind.Baseline, 1000, AdminAction.Allow, "Accept"),
            (cnp.Tier, cnp.Priority!.Value, cnp.IngressRules[0].Action, cnp.IngressRules[0].WrittenAction));
        Assert.Equal(["port \"metrics\"", "SCTP 5-6"], cnp.IngressRules[0].Ports!.Select(p => p.ToString()));
        Assert.True(PolicyKinds.Recognise(cnp.Source) is not null);
    }

    [Fact]
    public void Should_Reject_A_Named_Port_Towards_Networks_And_An_Over_Long_Rule_List()
    {
        // Given
        var rules = string.Join("\n", Enumerable.Repeat("    - {action: Deny, from: [{namespaces: {}}]}", 26));
        var yaml = $$$"""
            apiVersion: policy.networking.k8s.io/v1alpha2
            kind: ClusterNetworkPolicy
            metadata: {name: named-to-networks}
            spec:
              tier: Admin
              priority: 1
              subject: {namespaces: {}}
              egress:
                - action: Accept
                  to: [{networks: [192.0.2.0/24]}]
                  protocols: [{destinationNamedPort: http}]
            ---
            apiVersion: policy.networking.k8s.io/v1alpha2
            kind: ClusterNetworkPolicy
            metadata: {name: long}
            spec:
              tier: Admin
              priority: 2
              subject: {namespaces: {}}
              ingress:
            {{{rules}}}
            """;

        // When
        var model = NetworkModel.Build(new ManifestLoader().LoadText(yaml, "t.yaml").Objects);

        // Then
        Assert.Empty(model.AdminPolicies);
        var errors = model.Problems.Where(p => p.IsError).Select(p => p.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("t.yaml:11:7: ClusterNetworkPolicy named-to-networks: spec.egress[0].protocols: networks/nodes/domainNames peers cannot be set with named ports", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ClusterNetworkPolicy long: spec.ingress: Too many: 26: must have at most 25 rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Not_Warn_About_Equal_Priorities_That_Cannot_Overlap()
    {
        // Given: equal priorities, but one governs ingress of shop and the other ingress of blog
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: site, namespace: blog}
            spec:
              selector: {matchLabels: {app: site}}
              template:
                metadata: {labels: {app: site}}
                spec:
                  containers: [{name: site, image: "ghost:5"}]
            ---
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: shop-only}
            spec:
              priority: 7
              subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
              ingress: [{action: Deny, from: [{namespaces: {}}]}]
            ---
            apiVersion: policy.networking.k8s.io/v1alpha2
            kind: ClusterNetworkPolicy
            metadata: {name: blog-only}
            spec:
              tier: Admin
              priority: 7
              subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: blog}}}
              ingress: [{action: Accept, from: [{namespaces: {}}]}]
            """;

        // When
        var (evaluator, _) = Build(yaml);

        // Then
        Assert.DoesNotContain(evaluator.Warnings, w => w.Contains("same priority", StringComparison.Ordinal));
    }

    private static (PolicyEvaluator Evaluator, NetworkModel Model) Build(string yaml) => NetworkTestInput.Evaluate(yaml, requireValidPolicies: true);

    private static WorkloadEndpoint Endpoint(NetworkModel model, string reference) => NetworkTestInput.Endpoint(model, reference);
}
