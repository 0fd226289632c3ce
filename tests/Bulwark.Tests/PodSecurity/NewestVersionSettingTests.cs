using System.Text.Json;
using Bulwark.Config;
using Bulwark.Rules;
using Bulwark.Tests.Cli;
using Xunit;

namespace Bulwark.Tests.PodSecurity;

/// <summary>What "latest" means is a setting: .bulwark.yaml parameters.podSecurityNewestVersion, or --newest-version.</summary>
public sealed class NewestVersionSettingTests
{
    // net.ipv4.tcp_notsent_lowat is allowed from policy v1.37 (upstream master) only.
    private const string PodWithNewSysctl = """
        apiVersion: v1
        kind: Pod
        metadata: {name: tuned, namespace: apps}
        spec:
          securityContext:
            sysctls:
              - {name: net.ipv4.tcp_notsent_lowat, value: "16384"}
          containers:
            - {name: app, image: registry.example.com/app:1.0}
        """;

    [Theory]
    [InlineData(null, true)]
    [InlineData("v1.35", true)]
    [InlineData("v1.37", false)]
    public void Should_Evaluate_Latest_As_The_Configured_Newest_Version_In_Scan(string? newest, bool expectSysctlViolation)
    {
        // Given
        using var dir = new TempDir();
        dir.Write(".bulwark.yaml", newest is null ? "# defaults\n" : $"parameters:\n  podSecurityNewestVersion: {newest}\n");
        var file = dir.Write("pod.yaml", PodWithNewSysctl);

        // When
        var (_, stdout, stderr) = CliRunner.Run("scan", file, "-o", "json", "--fail-on", "none");

        // Then
        using var json = JsonDocument.Parse(stdout);
        var sysctlFindings = json.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("rule").GetString() == "pod-security-violation" && f.GetProperty("message").GetString()!.Contains("forbidden sysctls", StringComparison.Ordinal))
            .ToList();
        Assert.True(expectSysctlViolation == (sysctlFindings.Count == 1), stdout + stderr);
    }

    [Fact]
    public void Should_Let_The_Command_Line_Win_Over_The_Config()
    {
        using var dir = new TempDir();
        dir.Write(".bulwark.yaml", "parameters:\n  podSecurityNewestVersion: v1.35\n");
        var file = dir.Write("pod.yaml", PodWithNewSysctl);

        var (configCode, _, _) = CliRunner.Run("pss", "check", file, "--level", "baseline");
        var (flagCode, _, _) = CliRunner.Run("pss", "check", file, "--level", "baseline", "--newest-version", "v1.37");

        Assert.Equal(1, configCode);
        Assert.Equal(0, flagCode);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v1.38")]
    [InlineData("1.35")]
    public void Should_Reject_An_Invalid_Newest_Version_With_Its_Line(string value)
    {
        var error = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Parse($"parameters:\n  podSecurityNewestVersion: {value}\n", ".bulwark.yaml", RuleCatalog.BuiltIn));

        Assert.StartsWith(".bulwark.yaml:2:29: podSecurityNewestVersion must be a version", error.Message, StringComparison.Ordinal);
    }
}
