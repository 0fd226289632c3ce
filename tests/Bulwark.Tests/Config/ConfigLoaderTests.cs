using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Config;

public sealed class ConfigLoaderTests
{
    private static BulwarkConfig Parse(string text) => ConfigLoader.Parse(text, ".bulwark.yaml", RuleCatalog.BuiltIn);

    [Fact]
    public void Should_Read_Rules_Parameters_And_Exceptions()
    {
        // Given
        var text = """
            rules:
              privileged-container: {severity: medium}
              host-network: {enabled: false}
            parameters:
              minUid: 20000
              allowedRegistries: [registry.example.com, ghcr.io/org]
              sensitiveNamespaces: [payments]
            exceptions:
              - rule: host-network
                object: "DaemonSet/monitoring/*"
                reason: node exporter
                expires: 2027-01-31
            allowAnnotationExceptions: false
            """;

        // When
        var config = Parse(text);

        // Then
        Assert.Equal(Severity.Medium, config.Rules["privileged-container"].Severity);
        Assert.False(config.Rules["host-network"].Enabled);
        Assert.Equal(20000, config.Parameters.MinUid);
        Assert.Equal(["registry.example.com", "ghcr.io/org"], config.Parameters.AllowedRegistries);
        Assert.Equal(["payments"], config.Parameters.SensitiveNamespaces);
        var exception = Assert.Single(config.Exceptions);
        Assert.Equal(("host-network", "DaemonSet/monitoring/*", "node exporter", new DateOnly(2027, 1, 31)), (exception.Rule, exception.Object, exception.Reason, exception.Expires!.Value));
        Assert.Equal(9, exception.Location!.Line); // the "- rule:" line
        Assert.False(config.AllowAnnotationExceptions);
    }

    [Theory]
    [InlineData("rulez: {}\n", ".bulwark.yaml:1:1: unknown key 'rulez'")]
    [InlineData("rules:\n  no-such-rule: {enabled: false}\n", ".bulwark.yaml:2:3: unknown rule 'no-such-rule'")]
    [InlineData("parameters:\n  minUid: many\n", ".bulwark.yaml:2:11: expected an integer")]
    [InlineData("parameters:\n  allowedRegistries: docker.io\n", ".bulwark.yaml:2:22: expected a list")]
    [InlineData("exceptions:\n  - object: x\n    reason: y\n", ".bulwark.yaml:2:5: an exception needs a rule")]
    [InlineData("exceptions:\n  - rule: host-network\n    expires: next week\n", ".bulwark.yaml:3:14: expires must be a date")]
    [InlineData("rules: [\n", ".bulwark.yaml:2:1: YAML syntax error")]
    public void Should_Reject_Invalid_Config_With_File_Line_And_Column(string text, string expectedStart)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Should_Accept_An_Empty_File_As_Defaults()
    {
        var config = Parse("# nothing configured yet\n");

        Assert.Equal(10000, config.Parameters.MinUid);
        Assert.Empty(config.Exceptions);
    }
}
