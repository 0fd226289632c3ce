using Bulwark.Config;
using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Engine;

public sealed class ExceptionTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);

    private const string Manifests = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent
          namespace: monitoring
        spec:
          hostNetwork: true
          containers:
            - name: agent
              image: example/agent:1.0
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: annotated
          namespace: monitoring
          annotations:
            ignore.bulwark.dev/host-network: "node exporter must see node interfaces"
        spec:
          hostNetwork: true
          containers:
            - name: exporter
              image: example/exporter:1.0
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: privileged
          namespace: tools
        spec:
          containers:
            - name: debug
              image: example/debug:1.0
              securityContext:
                privileged: true
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: valid
          namespace: tools
        spec:
          containers:
            - name: debug
              image: example/debug:1.0
              securityContext:
                privileged: true
        """;

    private const string Config = """
        exceptions:
          - rule: host-network
            object: Pod/monitoring/agent
            reason: agent needs it
            expires: 2026-05-31
          - rule: privileged-container
            object: Pod/tools/privileged
            reason: ""
          - rule: privileged-container
            object: Pod/tools/valid
            reason: "debug image, removed after the migration"
            expires: 2026-06-01
        """;

    private static ScanResult Scan()
    {
        var config = ConfigLoader.Parse(Config, "/repo/.bulwark.yaml", RuleCatalog.BuiltIn);
        var load = new ManifestLoader().LoadText(Manifests, "pods.yaml");
        var scanner = new Scanner(RuleCatalog.BuiltIn, config, new ScanOptions
        {
            Today = Today,
            OnlyRules = new HashSet<string> { "host-network", "privileged-container", "invalid-exception" },
        });
        return scanner.Scan(load);
    }

    [Fact]
    public void Should_Report_Expired_And_Reasonless_Config_Exceptions_At_Their_Location()
    {
        // When
        var result = Scan();

        // Then
        var invalid = result.Findings.Where(f => f.Rule == "invalid-exception").OrderBy(f => f.Location!.Line).ToList();
        Assert.Equal(2, invalid.Count);
        Assert.All(invalid, f =>
        {
            Assert.Equal(new Bulwark.Model.ObjectRef("bulwark.dev/v1", "BulwarkConfig", null, ".bulwark.yaml"), f.Object);
            Assert.Equal("/repo/.bulwark.yaml", f.Location!.File);
        });
        Assert.Equal(2, invalid[0].Location!.Line);
        Assert.Contains("expired on 2026-05-31", invalid[0].Message, StringComparison.Ordinal);
        Assert.Equal(6, invalid[1].Location!.Line);
        Assert.Contains("no reason", invalid[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Suppress_With_Invalid_Config_Exceptions()
    {
        // When
        var result = Scan();

        // Then
        Assert.Contains(result.Findings, f => f.Rule == "host-network" && f.Object.Name == "agent");
        Assert.Contains(result.Findings, f => f.Rule == "privileged-container" && f.Object.Name == "privileged");
    }

    [Fact]
    public void Should_Suppress_With_A_Valid_Config_Exception_And_A_Valid_Annotation()
    {
        // When
        var result = Scan();

        // Then
        var byConfig = Assert.Single(result.Suppressed, f => f.Object.Name == "valid");
        Assert.Equal("privileged-container", byConfig.Rule);
        Assert.Equal("debug image, removed after the migration", byConfig.Suppressed!.Reason);
        Assert.Equal("2026-06-01", byConfig.Suppressed.Expires);

        var byAnnotation = Assert.Single(result.Suppressed, f => f.Object.Name == "annotated");
        Assert.Equal("host-network", byAnnotation.Rule);
        Assert.Equal("node exporter must see node interfaces", byAnnotation.Suppressed!.Reason);

        Assert.DoesNotContain(result.Findings, f => f.Object.Name is "valid" or "annotated");
        Assert.Equal(2, result.Suppressed.Count);
    }
}
