using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;
using Xunit;

namespace Bulwark.Tests.PodSecurity;

/// <summary>Namespace policy resolution (PSA.md 5.2), driven by PodSecurity/Fixtures/namespaces/policy.yaml.</summary>
public sealed class NamespacePolicyTests
{
    private const string Expect = "expect.bulwark.dev/";

    private static string FixtureFile => Path.Combine(AppContext.BaseDirectory, "PodSecurity", "Fixtures", "namespaces", "policy.yaml");

    private static List<KubeObject> Namespaces()
    {
        var load = new ManifestLoader().Load([FixtureFile]);
        Assert.Empty(load.Errors);
        return load.Objects;
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var ns in Namespaces())
        {
            data.Add(ns.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Should_Resolve_The_Policy_As_The_Fixture_Expects(string name)
    {
        // Given
        var ns = Namespaces().Single(n => n.Name == name);
        var annotation = (string key) => ns.Annotations?.GetString(Expect + key);
        var defaults = ParseDefaults(annotation("defaults"));

        // When
        var policy = NamespacePolicy.Resolve(ns, defaults);

        // Then
        Assert.Equal(annotation("enforce"), policy.Enforce.ToString());
        Assert.Equal(annotation("audit"), policy.Audit.ToString());
        Assert.Equal(annotation("warn"), policy.Warn.ToString());
        Assert.Equal(annotation("errors") ?? string.Empty, string.Join(" | ", policy.Errors));
    }

    [Fact]
    public void Should_Have_Cases() => Assert.True(Namespaces().Count >= 15);

    [Fact]
    public void Should_Use_The_Defaults_For_A_Namespace_Only_Named_By_Workloads()
    {
        var defaults = new PodSecurityDefaults { Enforce = new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.V1(30)) };

        var policy = NamespacePolicy.Resolve((KubeObject?)null, defaults);

        Assert.Equal("baseline:v1.30", policy.Enforce.ToString());
        Assert.Equal("privileged:latest", policy.Warn.ToString());
        Assert.Empty(policy.Errors);
        Assert.False(policy.IsPrivilegedOnly);
    }

    [Fact]
    public void Should_Join_Several_Errors_As_The_Api_Server_Annotation_Does()
    {
        var labels = new Dictionary<string, string>
        {
            [NamespacePolicy.EnforceLabel] = "x",
            [NamespacePolicy.AuditVersionLabel] = "v1",
        };

        var policy = NamespacePolicy.Resolve(labels);

        Assert.Equal(
            "Failed to parse policy: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"x\": must be one of privileged, baseline, restricted, " +
            "metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: \"v1\": must be \"latest\" or \"v1.x\"]",
            policy.ErrorMessage);
        Assert.Equal(
            "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"y\": must be one of privileged, baseline, restricted",
            NamespacePolicy.Resolve(new Dictionary<string, string> { [NamespacePolicy.EnforceLabel] = "y" }).ErrorMessage);
    }

    [Fact]
    public void Should_Be_Privileged_Only_Without_Labels_Or_With_Privileged_Everywhere()
    {
        Assert.True(NamespacePolicy.Resolve(new Dictionary<string, string>()).IsPrivilegedOnly);
        Assert.True(NamespacePolicy.Resolve(new Dictionary<string, string> { [NamespacePolicy.EnforceLabel] = "privileged" }).IsPrivilegedOnly);
        Assert.False(NamespacePolicy.Resolve(new Dictionary<string, string> { [NamespacePolicy.AuditLabel] = "nope" }).IsPrivilegedOnly); // errors count
    }

    private static PodSecurityDefaults ParseDefaults(string? text)
    {
        var defaults = PodSecurityDefaults.Privileged;
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (mode, value) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            var pair = value.Split(':');
            Assert.True(PodSecurityLevels.TryParse(pair[0], out var level));
            Assert.True(PolicyVersion.TryParse(pair[1], out var version));
            var policy = new LevelVersion(level, version);
            defaults = mode switch
            {
                "enforce" => defaults with { Enforce = policy },
                "audit" => defaults with { Audit = policy },
                "warn" => defaults with { Warn = policy },
                _ => throw new InvalidOperationException("unknown mode " + mode),
            };
        }

        return defaults;
    }
}
