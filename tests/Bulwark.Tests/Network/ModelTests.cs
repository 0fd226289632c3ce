using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class ModelTests
{
    [Fact]
    public void Should_Read_Ports_Of_Containers_And_Sidecars_With_Tcp_Default()
    {
        // Given
        var model = Build("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  initContainers:
                    - {name: proxy, image: "envoyproxy/envoy:v1.30.0", restartPolicy: Always, ports: [{containerPort: 15001, name: proxy}]}
                    - {name: migrate, image: "example/migrate:1.0", ports: [{containerPort: 9999, name: ignored}]}
                  containers:
                    - {name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}, {containerPort: 53, name: dns, protocol: UDP}]}
            """);

        // When
        var web = Assert.Single(model.Workloads);

        // Then
        Assert.Equal(["http=8080/TCP", "dns=53/UDP", "proxy=15001/TCP"], web.Ports.Select(p => p.ToString()));
        Assert.Equal([8080], web.PortsNamed("http", Protocol.Tcp));
        Assert.Empty(web.PortsNamed("dns", Protocol.Tcp));
    }

    [Fact]
    public void Should_Give_Every_Namespace_Its_Name_Label_And_Keep_Written_Labels()
    {
        // Given
        var model = Build("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team-a
              labels: {team: a}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: team-b}
            spec:
              containers: [{name: c, image: "busybox:1.36"}]
            """);

        // Then
        Assert.Equal("a", model.Namespace("team-a").Labels["team"]);
        Assert.Equal("team-a", model.Namespace("team-a").Labels[NetworkNamespace.NameLabel]);
        Assert.Equal("team-b", model.Namespace("team-b").Labels[NetworkNamespace.NameLabel]);
        Assert.Null(model.Namespace("team-b").Source);
    }

    [Fact]
    public void Should_Default_Policy_Types_As_The_Api_Server()
    {
        // Given
        var model = Build("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: none, namespace: x}
            spec:
              podSelector: {}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-rule, namespace: x}
            spec:
              podSelector: {}
              egress: [{}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-empty, namespace: x}
            spec:
              podSelector: {}
              policyTypes: []
              egress: []
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-only, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
            """);

        // Then
        Assert.Equal(["none: I", "egress-rule: IE", "egress-empty: I", "egress-only: E"],
            model.Policies.Select(p => $"{p.Name}: {(p.HasIngressType ? "I" : string.Empty)}{(p.HasEgressType ? "E" : string.Empty)}"));
        Assert.True(model.Policies[0].IsDefaultDeny(TrafficDirection.Ingress));
        Assert.True(model.Policies[3].IsDefaultDeny(TrafficDirection.Egress));
        Assert.False(model.Policies[1].IsDefaultDeny(TrafficDirection.Egress));
    }

    [Fact]
    public void Should_Point_Validation_Errors_At_The_Field_With_File_And_Line()
    {
        // Given
        var model = Build("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: bad, namespace: x}
            spec:
              podSelector: {}
              ingress:
                - from:
                    - podSelector:
                        matchExpressions:
                          - {key: app, operator: In}
                  ports:
                    - port: 8080
                      endPort: 80
            """);

        // Then: both errors are reported, on the lines of their fields, and the policy is skipped
        Assert.Empty(model.Policies);
        var errors = model.Problems.Where(p => p.Level == InputErrorLevel.Error).Select(p => p.ToInputError()).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(("test.yaml", 10), (errors[0].File, errors[0].Line));
        Assert.Contains("spec.ingress[0].from[0].podSelector.matchExpressions[0].values: must be specified", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(13, errors[1].Line);
        Assert.Contains("spec.ingress[0].ports[0].endPort", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Find_Workloads_By_Every_Reference_Form()
    {
        // Given
        var model = Build("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: a}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web, namespace: b}
            spec:
              serviceName: web
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            """);

        // Then
        Assert.Equal("a/Deployment/web", model.FindWorkload("a/deployment/web", out _)?.Ref.ToString());
        Assert.Equal("b/StatefulSet/web", model.FindWorkload("b/web", out _)?.Ref.ToString());
        Assert.Equal("b/StatefulSet/web", model.FindWorkload("statefulset/web", out _)?.Ref.ToString());
        Assert.Null(model.FindWorkload("web", out var error));
        Assert.Contains("ambiguous", error, StringComparison.Ordinal);
        Assert.Null(model.FindWorkload("c/web", out error));
        Assert.Contains("no workload", error, StringComparison.Ordinal);
    }

    private static NetworkModel Build(string yaml)
    {
        var load = new ManifestLoader().LoadText(yaml, "test.yaml");
        Assert.Empty(load.Errors);
        return NetworkModel.Build(load.Objects);
    }
}
