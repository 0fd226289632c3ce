using System.Xml.Linq;
using Bulwark.Loading;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Rendering;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class SvgTests
{
    private static readonly XNamespace Svg = ConnectivitySvgWriter.SvgNamespace;

    private const string Manifests = NetworkTestInput.WebAndClient + """
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: monitoring}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              hostNetwork: true
              containers: [{name: agent, image: "busybox:1.36"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: client}}}]
              ports: [{port: http}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: client-egress, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: client}}
          policyTypes: [Egress]
          egress:
            - to: [{podSelector: {}}]
            - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}}]
              ports: [{protocol: UDP, port: 53}]
        """;

    [Fact]
    public void Should_Write_Valid_Svg_With_Every_Node_And_Edge()
    {
        // Given
        var report = Report(Manifests);

        // When
        var document = XDocument.Parse(ConnectivitySvgWriter.Write(report));

        // Then: the root is an svg element of the SVG namespace
        Assert.Equal(Svg + "svg", document.Root!.Name);

        // Hand-counted: client -> web TCP 8080; web -> client all; client -> 10.0.0.0-10.95.255.255,10.112.0.0-10.255.255.255 UDP 53;
        // every address -> client all; web -> every address all. The hostNetwork agent is drawn without edges.
        var nodes = Titles(document, "node");
        Assert.Equal(
        [
            "0.0.0.0-255.255.255.255 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "10.0.0.0-10.95.255.255 10.112.0.0-10.255.255.255",
            "monitoring/DaemonSet/agent (hostNetwork: policy effect unknown)",
            "shop/Deployment/client",
            "shop/Deployment/web",
        ], nodes.Order(StringComparer.Ordinal));
        Assert.Equal(report.Connections.Count, Titles(document, "edge").Count);
        Assert.Equal(5, report.Connections.Count);
        Assert.Contains("shop/Deployment/client -> shop/Deployment/web: TCP 8080", Titles(document, "edge"));
        Assert.Contains("shop/Deployment/client -> 10.0.0.0-10.95.255.255 10.112.0.0-10.255.255.255: UDP 53", Titles(document, "edge"));
        Assert.Equal(["external", "monitoring", "shop"],
            document.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") is "namespace" or "external-group")
                .Select(g => g.Elements(Svg + "text").Single().Value).Order(StringComparer.Ordinal));
        Assert.All(document.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "edge"),
            g => Assert.StartsWith("M ", (string?)g.Element(Svg + "path")!.Attribute("d"), StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Draw_The_Same_Picture_Every_Time()
    {
        Assert.Equal(ConnectivitySvgWriter.Write(Report(Manifests)), ConnectivitySvgWriter.Write(Report(Manifests)));
    }

    [Fact]
    public void Should_Escape_Text_And_Draw_An_Empty_Report()
    {
        // Given: no workload at all
        var report = Report("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: "a<b>&c", namespace: x}
            data: {}
            """);

        // When
        var document = XDocument.Parse(ConnectivitySvgWriter.Write(report));

        // Then
        Assert.Empty(Titles(document, "node"));
        Assert.Contains("Allowed connections: 0", document.Root!.Elements(Svg + "text").Single().Value, StringComparison.Ordinal);
    }

    private static List<string> Titles(XDocument document, string cls) =>
        document.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cls).Select(g => g.Element(Svg + "title")!.Value).ToList();

    private static ConnectivityReport Report(string yaml)
    {
        var load = new ManifestLoader().LoadText(yaml, "test.yaml");
        Assert.Empty(load.Errors);
        return ConnectivityAnalyzer.Analyze(new PolicyEvaluator(NetworkModel.Build(load.Objects)));
    }
}
