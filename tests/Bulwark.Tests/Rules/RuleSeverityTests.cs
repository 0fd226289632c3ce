using Bulwark.Findings;
using Xunit;

namespace Bulwark.Tests.Rules;

/// <summary>Rules whose findings carry their own severity: checked on their fail fixtures.</summary>
public sealed class RuleSeverityTests
{
    [Fact]
    public void Should_Raise_A_Missing_Default_Deny_To_High_In_A_Sensitive_Namespace()
    {
        var folder = Path.Combine(RuleFixtureTests.FixtureRoot, "namespace-without-default-deny");

        var result = RuleFixtureTests.Scan(folder, Path.Combine(folder, "fail.yaml"), "namespace-without-default-deny");

        Assert.Equal(Severity.High, Assert.Single(result.Findings, f => f.Object.Namespace == "kube-system").Severity);
        Assert.All(result.Findings.Where(f => f.Object.Namespace != "kube-system"), f => Assert.Equal(Severity.Medium, f.Severity));
    }
}
