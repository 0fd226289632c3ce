using Bulwark.PodSecurity;
using k8s.Models;
using Xunit;

namespace Bulwark.Tests.PodSecurity;

public sealed class PodSecurityApiTests
{
    [Theory]
    [InlineData("privileged", PodSecurityLevel.Privileged)]
    [InlineData("baseline", PodSecurityLevel.Baseline)]
    [InlineData("restricted", PodSecurityLevel.Restricted)]
    public void Should_Parse_And_Print_Levels(string text, PodSecurityLevel expected)
    {
        Assert.True(PodSecurityLevels.TryParse(text, out var level));
        Assert.Equal(expected, level);
        Assert.Equal(text, level.ToLabel());
    }

    [Theory]
    [InlineData("Restricted")]
    [InlineData("BASELINE")]
    [InlineData(" baseline")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("strict")]
    public void Should_Reject_Bad_Levels_And_Hand_Back_Restricted(string? text)
    {
        Assert.False(PodSecurityLevels.TryParse(text, out var level));
        Assert.Equal(PodSecurityLevel.Restricted, level);
    }

    [Theory]
    [InlineData("latest", "latest")]
    [InlineData("v1.0", "v1.0")]
    [InlineData("v1.25", "v1.25")]
    [InlineData("v1.99", "v1.99")]
    [InlineData("v1.100", "v1.100")]
    public void Should_Parse_And_Print_Versions(string text, string printed)
    {
        Assert.True(PolicyVersion.TryParse(text, out var version));
        Assert.Equal(printed, version.ToString());
    }

    [Theory]
    [InlineData("v1.05")]
    [InlineData("v1.00")]
    [InlineData("1.25")]
    [InlineData("v2.0")]
    [InlineData("V1.2")]
    [InlineData("v1.")]
    [InlineData("v1")]
    [InlineData("v1.2.3")]
    [InlineData("v1.-1")]
    [InlineData("v1.+2")]
    [InlineData("v1. 2")]
    [InlineData("Latest")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("v1.99999999999")]
    public void Should_Reject_Bad_Versions_And_Hand_Back_Latest(string? text)
    {
        Assert.False(PolicyVersion.TryParse(text, out var version));
        Assert.True(version.IsLatest);
    }

    [Fact]
    public void Should_Order_Latest_After_Every_Numbered_Version()
    {
        Assert.True(PolicyVersion.V1(0) < PolicyVersion.V1(9));
        Assert.True(PolicyVersion.V1(9) < PolicyVersion.V1(10));
        Assert.True(PolicyVersion.V1(1000) < PolicyVersion.Latest);
        Assert.Equal(PolicyVersion.Latest, new[] { PolicyVersion.Latest, PolicyVersion.V1(37) }.Max());
        Assert.Equal(PolicyVersion.V1(3), PolicyVersion.V1(3));
    }

    [Fact]
    public void Should_Print_Level_Version_Pairs()
    {
        Assert.Equal("restricted:latest", new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest).ToString());
        Assert.Equal("baseline:v1.29", new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.V1(29)).ToString());
    }

    [Fact]
    public void Should_Default_The_Newest_Version_To_v1_35_And_Allow_v1_37()
    {
        Assert.Equal(PolicyVersion.V1(35), new PodSecurityEvaluator().NewestVersion);
        Assert.Equal(PolicyVersion.V1(37), PodSecurityEvaluator.NewestKnownVersion);
        Assert.Equal(PolicyVersion.V1(37), new PodSecurityEvaluator(PolicyVersion.V1(37)).NewestVersion);
        Assert.Equal(PolicyVersion.V1(37), new PodSecurityEvaluator(PolicyVersion.V1(40)).NewestVersion);
        Assert.Equal(PolicyVersion.V1(37), new PodSecurityEvaluator(PolicyVersion.Latest).NewestVersion);
        Assert.Equal(PolicyVersion.V1(30), new PodSecurityEvaluator(PolicyVersion.V1(30)).NewestVersion);
    }

    [Fact]
    public void Should_Clamp_Evaluation_But_Keep_The_Printed_Version()
    {
        // Given
        var evaluator = new PodSecurityEvaluator(PolicyVersion.V1(30));
        var spec = new V1PodSpec
        {
            SecurityContext = new V1PodSecurityContext { SeLinuxOptions = new V1SELinuxOptions { Type = "container_engine_t" } },
            Containers = [new V1Container { Name = "app", Image = "nginx" }],
        };

        // When
        var result = evaluator.Evaluate(new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.V1(31)), null, spec);

        // Then: v1.31 allows container_engine_t, but this evaluator stops at v1.30
        Assert.Equal(PolicyVersion.V1(30), result.EvaluatedVersion);
        Assert.Equal(
            "violates PodSecurity \"baseline:v1.31\": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")",
            result.Message);
        Assert.Equal(
            "would violate PodSecurity \"baseline:v1.31\": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")",
            result.WarningMessage);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(new PodSecurityFailure("seLinuxOptions", "seLinuxOptions", "pod set forbidden securityContext.seLinuxOptions: type \"container_engine_t\""), failure);
        Assert.Equal("seLinuxOptions", result.Reasons);
    }

    [Fact]
    public void Should_Report_Check_Ids_Reasons_And_Details_In_Order()
    {
        // Given
        var spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Image = "nginx", SecurityContext = new V1SecurityContext { RunAsUser = 0 } }],
        };

        // When
        var result = new PodSecurityEvaluator().Evaluate(new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest), null, spec);

        // Then
        Assert.False(result.Allowed);
        Assert.Equal(
            ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "runAsUser", "seccompProfile_restricted"],
            result.Failures.Select(f => f.Check));
        Assert.Equal("allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, runAsUser=0, seccompProfile", result.Reasons);
        Assert.Equal(
            "violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
            "runAsUser=0 (container \"app\" must not set runAsUser=0), " +
            "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            result.Message);
    }

    [Fact]
    public void Should_List_Every_Check_In_Upstream_Order()
    {
        Assert.Equal(
            [
                "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
                "hostProbesAndHostLifecycle", "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls",
                "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "procMount_restricted",
                "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted",
            ],
            PodSecurityEvaluator.Checks.Select(c => c.Id));
        Assert.Equal(
            [0, 8, 19, 22, 23, 25, 27, 29, 31, 32, 34, 35, 37],
            PodSecurityEvaluator.Checks.SelectMany(c => c.ChangedIn).Select(v => v.Minor).Distinct().Order());
    }

    [Fact]
    public void Should_Not_Change_The_Input_When_Defaulting()
    {
        // Given
        var spec = new V1PodSpec
        {
            HostNetwork = true,
            Containers = [new V1Container { Name = "app", Image = "nginx", Ports = [new V1ContainerPort { ContainerPort = 8080 }] }],
            Volumes = [new V1Volume { Name = "nosource" }],
        };

        // When
        var defaulted = ApiServerDefaults.Apply(spec, PodSpecSource.Pod);
        var template = ApiServerDefaults.Apply(spec, PodSpecSource.Template);

        // Then
        Assert.NotSame(spec, defaulted);
        Assert.NotNull(defaulted.Volumes[0].EmptyDir);
        Assert.Equal(8080, defaulted.Containers[0].Ports[0].HostPort);
        Assert.Null(template.Containers[0].Ports[0].HostPort);
        Assert.NotNull(template.Volumes[0].EmptyDir);
        Assert.Null(spec.Volumes[0].EmptyDir);
        Assert.Null(spec.Containers[0].Ports[0].HostPort);
        var clean = new V1PodSpec { Containers = [new V1Container { Name = "app" }] };
        Assert.Same(clean, ApiServerDefaults.Apply(clean, PodSpecSource.Pod));
    }

    [Theory]
    [InlineData("unconfined", "\"unconfined\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\nbreak\ttab", "\"line\\nbreak\\ttab\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("caf\u00e9 \u00a0", "\"caf\u00e9 \\u00a0\"")]
    public void Should_Quote_Like_Go(string value, string expected)
    {
        Assert.Equal(expected, Bulwark.PodSecurity.Checks.Text.GoQuote(value));
    }

    [Fact]
    public void Should_Allow_Everything_At_Privileged()
    {
        var spec = new V1PodSpec { HostPID = true, Containers = [new V1Container { Name = "app", SecurityContext = new V1SecurityContext { Privileged = true } }] };
        var result = new PodSecurityEvaluator().Evaluate(new LevelVersion(PodSecurityLevel.Privileged, PolicyVersion.V1(0)), null, spec);
        Assert.True(result.Allowed);
        Assert.Empty(result.Message);
        Assert.Empty(result.WarningMessage);
    }
}
