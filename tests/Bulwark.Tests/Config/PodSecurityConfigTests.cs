using Bulwark.Config;
using Bulwark.PodSecurity;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Config;

public sealed class PodSecurityConfigTests
{
    private static string ErrorOf(Action action) => Assert.Throws<ConfigException>(action).Message;

    [Fact]
    public void Should_Read_The_PodSecurity_Key_Of_The_Bulwark_Config()
    {
        // Given
        var text = """
            podSecurity:
              defaults:
                enforce: baseline
                enforce-version: v1.30
                warn: restricted
              exemptions:
                usernames: [system:serviceaccount:ci:deployer]
                runtimeClasses: [kata, gvisor.example.com]
                namespaces: [ci-runners]
            """;

        // When
        var config = ConfigLoader.Parse(text, ".bulwark.yaml", RuleCatalog.BuiltIn).PodSecurity;

        // Then
        Assert.Equal("baseline:v1.30", config.Defaults.Enforce.ToString());
        Assert.Equal("privileged:latest", config.Defaults.Audit.ToString());
        Assert.Equal("restricted:latest", config.Defaults.Warn.ToString());
        Assert.Equal(["kata", "gvisor.example.com"], config.Exemptions.RuntimeClasses);
        Assert.Equal(["ci-runners"], config.Exemptions.Namespaces);
        Assert.Equal(["system:serviceaccount:ci:deployer"], config.Exemptions.Usernames);
        Assert.NotNull(config.UsernameNote);
        Assert.Equal("namespace \"ci-runners\" is exempt from Pod Security", config.ExemptionOf("ci-runners", "kata"));
        Assert.Equal("runtimeClass \"kata\" is exempt from Pod Security", config.ExemptionOf("shop", "kata"));
        Assert.Null(config.ExemptionOf("shop", "Kata")); // exact, case-sensitive
        Assert.Null(config.ExemptionOf(string.Empty, string.Empty));
    }

    [Fact]
    public void Should_Default_Empty_Levels_And_Versions_Like_The_Api_Server()
    {
        var config = PodSecurityConfigLoader.Parse("""
            apiVersion: pod-security.admission.config.k8s.io/v1beta1
            kind: PodSecurityConfiguration
            defaults:
              enforce: ""
              enforce-version: ""
            """, "psa.yaml");

        Assert.Equal(PodSecurityDefaults.Privileged, config.Defaults);
        Assert.Equal(PodSecurityExemptions.None.Namespaces, config.Exemptions.Namespaces);
    }

    [Theory]
    [InlineData("pod-security.admission.config.k8s.io/v1")]
    [InlineData("pod-security.admission.config.k8s.io/v1beta1")]
    [InlineData("pod-security.admission.config.k8s.io/v1alpha1")]
    public void Should_Read_A_Bare_PodSecurityConfiguration_Of_Every_Version(string apiVersion)
    {
        var config = PodSecurityConfigLoader.Parse($"""
            apiVersion: {apiVersion}
            kind: PodSecurityConfiguration
            defaults:
              enforce: restricted
              enforce-version: latest
            exemptions:
              namespaces: [kube-system]
            """, "psa.yaml");

        Assert.Equal("restricted:latest", config.Defaults.Enforce.ToString());
        Assert.Equal(["kube-system"], config.Exemptions.Namespaces);
    }

    [Fact]
    public void Should_Read_The_PodSecurity_Plugin_Of_An_AdmissionConfiguration()
    {
        var config = PodSecurityConfigLoader.Parse("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
              - name: EventRateLimit
                path: eventconfig.yaml
              - name: PodSecurity
                configuration:
                  apiVersion: pod-security.admission.config.k8s.io/v1
                  kind: PodSecurityConfiguration
                  defaults:
                    enforce: baseline
                    audit: restricted
                    warn: restricted
                  exemptions:
                    runtimeClasses: [kata]
            """, "admission.yaml");

        Assert.Equal("baseline:latest", config.Defaults.Enforce.ToString());
        Assert.Equal("restricted:latest", config.Defaults.Audit.ToString());
        Assert.Equal(["kata"], config.Exemptions.RuntimeClasses);
    }

    [Theory]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n",
        "psa.yaml:4:12: defaults.enforce: invalid value \"strict\": must be one of privileged, baseline, restricted")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  warn-version: \"1.30\"\n",
        "psa.yaml:4:17: defaults.warn-version: invalid value \"1.30\": must be \"latest\" or \"v1.x\"")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforcement: baseline\n",
        "psa.yaml:4:3: unknown key 'enforcement' in defaults (expected enforce, enforce-version, audit, audit-version, warn, warn-version)")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  namespaces: [ci, Build]\n",
        "psa.yaml:4:20: exemptions.namespaces: invalid value \"Build\": must be a valid namespace name (lower-case letters, digits and '-', at most 63 characters)")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  namespaces: [ci, ci]\n",
        "psa.yaml:4:20: exemptions.namespaces: duplicate value \"ci\"")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  runtimeClasses: [kata_fc]\n",
        "psa.yaml:4:20: exemptions.runtimeClasses: invalid value \"kata_fc\": must be a valid DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  usernames: [\"\"]\n",
        "psa.yaml:4:15: exemptions.usernames: invalid value \"\": username must not be empty")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v2\nkind: PodSecurityConfiguration\n",
        "psa.yaml:1:13: PodSecurityConfiguration apiVersion must be one of pod-security.admission.config.k8s.io/v1, pod-security.admission.config.k8s.io/v1beta1, pod-security.admission.config.k8s.io/v1alpha1, not 'pod-security.admission.config.k8s.io/v2'")]
    [InlineData("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: EventRateLimit\n",
        "psa.yaml:4:3: AdmissionConfiguration has no plugin named PodSecurity")]
    [InlineData("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    path: /etc/psa.yaml\n",
        "psa.yaml:5:11: the PodSecurity plugin reads its configuration from '/etc/psa.yaml': pass that file to --admission-config")]
    [InlineData("kind: ConfigMap\n", "psa.yaml:1:7: kind must be PodSecurityConfiguration (or AdmissionConfiguration), not 'ConfigMap'")]
    public void Should_Reject_Invalid_Configuration_With_File_Line_And_Column(string text, string expected)
    {
        var message = ErrorOf(() => PodSecurityConfigLoader.Parse(text, "psa.yaml"));

        Assert.Equal(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Should_Reject_Unknown_Keys_Under_PodSecurity_In_The_Bulwark_Config()
    {
        var message = ErrorOf(() => ConfigLoader.Parse("podSecurity:\n  exemption:\n    namespaces: [ci]\n", ".bulwark.yaml", RuleCatalog.BuiltIn));

        Assert.Equal(".bulwark.yaml:2:3: unknown key 'exemption' in PodSecurityConfiguration (expected defaults, exemptions)", message);
    }
}
