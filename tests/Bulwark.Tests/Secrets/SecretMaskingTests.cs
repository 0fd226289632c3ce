using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Tests.Rules;
using Xunit;

namespace Bulwark.Tests.Secrets;

public sealed class SecretMaskingTests
{
    // Every literal secret written in the fail fixtures of the SEC-1 rules (or a distinctive part of it).
    private static readonly string[] KnownSecrets =
    [
        "Tr0ub4dor", "hunter22", "sk_live_4eC3", "AKIAIOSFODNN7EXAMPLE", "IOSFODNN7", "wJalrXUtnFEMI", "ghp_abcdef", "abcdefghijklmnop",
        "xoxb-1234", "eyJhbGci", "AIzaSyA-fake", "s3cr3t-value", "0b1d2c3e4f", "MIIEowIBAAKCAQEA", "ZGIuaG9zdD1w",
    ];

    [Theory]
    [InlineData("secret-in-configmap")]
    [InlineData("secret-in-env")]
    [InlineData("secret-in-annotation")]
    public void Should_Never_Print_The_Secret_In_A_Finding_Message(string ruleId)
    {
        // Given
        var folder = Path.Combine(RuleFixtureTests.FixtureRoot, ruleId);
        var file = Path.Combine(folder, "fail.yaml");
        var objects = new ManifestLoader().Load([file]).Objects;

        // When
        var findings = RuleFixtureTests.Scan(folder, file, ruleId).Findings.Where(f => f.Rule == ruleId).ToList();

        // Then
        Assert.NotEmpty(findings);
        foreach (var finding in findings)
        {
            Assert.All(KnownSecrets, secret => Assert.DoesNotContain(secret, finding.Message, StringComparison.Ordinal));

            // And no distinctive piece (8+ characters) of the value the finding points at.
            var obj = objects.First(o => o.Ref == finding.Object);
            if (obj.Root.At(finding.Path) is ScalarNode value)
            {
                var pieces = value.Value.Split([' ', '\n', '=', ':', '"', ',', '@', '/'], StringSplitOptions.RemoveEmptyEntries);
                Assert.All(pieces.Where(p => p.Length >= 8), piece => Assert.DoesNotContain(piece, finding.Message, StringComparison.Ordinal));
            }
        }
    }
}
