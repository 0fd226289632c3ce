using System.Text.RegularExpressions;
using Bulwark.Config;
using Bulwark.Engine;
using Bulwark.Loading;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Rules;

/// <summary>
/// The data-driven test of every rule. Each rule has a folder Rules/Fixtures/&lt;rule-id&gt;/ with pass.yaml (no
/// finding of the rule) and fail.yaml, where every line that must carry a finding ends with a comment
/// <c># expect: &lt;rule-id&gt;</c> (repeat the id, comma-separated, for several findings on one line). An optional
/// config.yaml in the folder is used as .bulwark.yaml.
/// </summary>
public sealed class RuleFixtureTests
{
    /// <summary>Fixed date for exceptions' expiry in fixtures.</summary>
    public static readonly DateOnly FixtureToday = new(2026, 6, 1);

    private static readonly Regex ExpectComment = new(@"#\s*expect:\s*(?<ids>[a-z0-9\-,\s]+?)\s*$", RegexOptions.Compiled);

    // Read from the source tree, not the build output: a fixture folder deleted from source must not linger in bin/.
    public static string FixtureRoot => Path.Combine(Cli.RulesCommandTests.RepoRoot(), "tests", "Bulwark.Tests", "Rules", "Fixtures");

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var rule in RuleCatalog.BuiltIn.Rules)
        {
            data.Add(rule.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Should_Report_Exactly_The_Expected_Lines_In_Fail_Fixture(string ruleId)
    {
        // Given
        var folder = Path.Combine(FixtureRoot, ruleId);
        var file = Path.Combine(folder, "fail.yaml");
        Assert.True(File.Exists(file), $"rule {ruleId} has no fixture {file}");
        var expected = ExpectedLines(file, ruleId);
        Assert.True(expected.Count > 0, $"{file} has no '# expect: {ruleId}' comment");

        // When
        var result = Scan(folder, file, ruleId);

        // Then
        Assert.DoesNotContain(result.Errors, e => e.Level == Bulwark.Findings.InputErrorLevel.Error);
        var actual = result.Findings.Where(f => f.Rule == ruleId)
            .Select(f => f.Location!.Line).OrderBy(l => l).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{ruleId}: expected findings on lines [{string.Join(", ", expected)}] but got [{string.Join(", ", actual)}]:\n" +
            string.Join("\n", result.Findings.Select(f => $"  {f.Location!.Line}: {f.Message} ({f.Path})")));
        Assert.All(result.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Should_Report_Nothing_In_Pass_Fixture(string ruleId)
    {
        // Given
        var folder = Path.Combine(FixtureRoot, ruleId);
        var file = Path.Combine(folder, "pass.yaml");
        Assert.True(File.Exists(file), $"rule {ruleId} has no fixture {file}");

        // When
        var result = Scan(folder, file, ruleId);

        // Then
        Assert.DoesNotContain(result.Errors, e => e.Level == Bulwark.Findings.InputErrorLevel.Error);
        Assert.True(result.ObjectCount > 0, $"{file} holds no objects");
        var findings = result.Findings.Where(f => f.Rule == ruleId).ToList();
        Assert.True(findings.Count == 0,
            $"{ruleId}: pass fixture has findings:\n" + string.Join("\n", findings.Select(f => $"  {f.Location!.Line}: {f.Message}")));
    }

    internal static Bulwark.Findings.ScanResult Scan(string folder, string file, string ruleId)
    {
        var configPath = Path.Combine(folder, "config.yaml");
        var config = File.Exists(configPath) ? ConfigLoader.Load(configPath, RuleCatalog.BuiltIn) : BulwarkConfig.Default;
        var load = new ManifestLoader().Load([file]);
        var scanner = new Scanner(RuleCatalog.BuiltIn, config, new ScanOptions
        {
            Today = FixtureToday,
            OnlyRules = new HashSet<string> { ruleId },
        });
        return scanner.Scan(load);
    }

    internal static List<int> ExpectedLines(string file, string ruleId)
    {
        var lines = File.ReadAllLines(file);
        var expected = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ExpectComment.Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            foreach (var id in match.Groups["ids"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (id == ruleId)
                {
                    expected.Add(i + 1);
                }
            }
        }

        return expected;
    }
}
