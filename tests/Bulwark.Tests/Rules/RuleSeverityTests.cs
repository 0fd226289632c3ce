using Bulwark.Findings;
using Xunit;

namespace Bulwark.Tests.Rules;

/// <summary>Rules whose findings carry their own severity: checked on their fail fixtures.</summary>
public sealed class RuleSeverityTests
{
    [Fact]
    public void Should_Grade_A_Missing_Default_Deny_By_Open_Workloads_And_Sensitive_Namespaces()
    {
        var folder = Path.Combine(RuleFixtureTests.FixtureRoot, "netpol-namespace-without-default-deny");

        var result = RuleFixtureTests.Scan(folder, Path.Combine(folder, "fail.yaml"), "netpol-namespace-without-default-deny");

        // Medium: some workload of the namespace is isolated by no policy; low: none is (or there is no workload);
        // one level up in kube-system, the default sensitive namespace.
        var expected = new[]
        {
            "high namespace \"kube-system\" (sensitive) has no default-deny NetworkPolicy for egress",
            "high namespace \"kube-system\" (sensitive) has no default-deny NetworkPolicy for ingress",
            "low namespace \"billing\" has no default-deny NetworkPolicy for egress",
            "low namespace \"search\" has no default-deny NetworkPolicy for ingress",
            "low namespace \"shop\" has no default-deny NetworkPolicy for egress",
            "low namespace \"shop\" has no default-deny NetworkPolicy for ingress",
            "low namespace \"tools\" has no default-deny NetworkPolicy for ingress",
            "low namespace \"web\" has no default-deny NetworkPolicy for egress",
            "low namespace \"web\" has no default-deny NetworkPolicy for ingress",
            "medium namespace \"payments\" has no default-deny NetworkPolicy for egress",
        };
        var actual = result.Findings.Select(f => $"{f.Severity.Name()} {Head(f.Message)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    private static string Head(string message)
    {
        var cut = message.IndexOfAny([':', ';']);
        return cut < 0 ? message : message[..cut];
    }
}
