using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Rules;
using Xunit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>
/// The data-driven test of every detection rule: each rule file under src/Bulwark/Audit/DetectionRules (read from the
/// source tree, so a deleted fixture cannot linger in bin/) must have &lt;name&gt;.match.jsonl and
/// &lt;name&gt;.nomatch.jsonl beside it, and pass them (docs/audit-rules.md, "Fixtures"). The engine's own sample
/// rules (tests/Bulwark.Tests/Audit/Fixtures/rules) run through the same check.
/// </summary>
public sealed class DetectionRuleFixtureTests
{
    public static string BuiltInRoot => Path.Combine(Cli.RulesCommandTests.RepoRoot(), "src", "Bulwark", "Audit", "DetectionRules");

    private static readonly Lazy<CompiledPack> BuiltIn = new(() => CompiledPack.Compile(Load(BuiltInRoot)));
    private static readonly Lazy<CompiledPack> Samples = new(() => CompiledPack.Compile(Load(DetectionTestKit.SampleRules)));

    private static RulePack Load(string root) => Directory.Exists(root) ? RulePack.LoadFolder(root) : RulePack.Empty;

    public static TheoryData<string, string> Rules()
    {
        var data = new TheoryData<string, string>();
        foreach (var (pack, name) in new[] { (BuiltIn.Value, "builtin"), (Samples.Value, "samples") })
        {
            foreach (var rule in pack.Source.Rules)
            {
                data.Add(name, rule.Id);
            }
        }

        return data;
    }

    [Fact]
    public void The_Packs_Compile_Without_Errors()
    {
        Assert.True(BuiltIn.Value.Errors.Count == 0, "built-in pack:\n" + string.Join("\n", BuiltIn.Value.Errors));
        Assert.True(Samples.Value.Errors.Count == 0, "sample rules:\n" + string.Join("\n", Samples.Value.Errors));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rule_Passes_Its_Fixtures(string pack, string ruleId)
    {
        var compiled = pack == "builtin" ? BuiltIn.Value : Samples.Value;
        var rule = compiled.Find(ruleId);
        Assert.True(rule is not null, $"{ruleId} did not compile:\n" + string.Join("\n", compiled.Errors));

        var result = RuleFixtures.Run(compiled, rule!, requireBoth: true);

        Assert.True(result.Passed, $"{ruleId} ({result.RuleFile}):\n" + string.Join("\n", result.Failures.Select(f => "  " + f)));
        Assert.True(result.MatchEvents > 0 && result.NoMatchEvents > 0);
    }

    [Fact]
    public void Every_Fixture_File_Belongs_To_A_Rule_File()
    {
        foreach (var root in new[] { BuiltInRoot, DetectionTestKit.SampleRules }.Where(Directory.Exists))
        {
            foreach (var fixture in Directory.EnumerateFiles(root, "*.jsonl", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(fixture);
                var stem = name.EndsWith(RuleFixtures.NoMatchSuffix, StringComparison.Ordinal) ? name[..^RuleFixtures.NoMatchSuffix.Length]
                    : name.EndsWith(RuleFixtures.MatchSuffix, StringComparison.Ordinal) ? name[..^RuleFixtures.MatchSuffix.Length]
                    : null;
                Assert.True(stem is not null, $"{fixture}: a fixture is named <rule file>.match.jsonl or <rule file>.nomatch.jsonl");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(fixture)!, stem + ".yaml")), $"{fixture} has no rule file {stem}.yaml beside it");
            }
        }
    }

    [Fact]
    public void The_Fixture_Check_Fails_A_Rule_That_Does_Not_Do_What_Its_Fixtures_Say()
    {
        // Negative control: the privileged-pod sample with its exception widened to every image must fail its match fixture.
        using var dir = new TempDir();
        foreach (var file in Directory.EnumerateFiles(DetectionTestKit.SampleRules, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(DetectionTestKit.SampleRules, file);
            dir.Write(relative, File.ReadAllText(file));
        }

        var ruleFile = Path.Combine(dir.Path, "samples", "sample-create-privileged-pod.yaml");
        File.WriteAllText(ruleFile, File.ReadAllText(ruleFile).Replace("image.repository in (sample_privileged_images)", "image.repository exists", StringComparison.Ordinal));
        File.AppendAllText(Path.Combine(dir.Path, "samples", "sample-exec-into-pod.nomatch.jsonl"),
            File.ReadLines(Path.Combine(dir.Path, "samples", "sample-exec-into-pod.match.jsonl")).First(l => l.StartsWith('{')) + "\n");
        var pack = CompiledPack.Compile(RulePack.LoadFolder(dir.Path));

        var privileged = RuleFixtures.Run(pack, pack.Find("sample-create-privileged-pod")!, requireBoth: true);
        var exec = RuleFixtures.Run(pack, pack.Find("sample-exec-into-pod")!, requireBoth: true);

        Assert.Equal(5, privileged.Failures.Count); // every match event is now suppressed
        Assert.All(privileged.Failures, f => Assert.Contains("expected exactly one alert of sample-create-privileged-pod, got 0", f.Message, StringComparison.Ordinal));
        var unexpected = Assert.Single(exec.Failures);
        Assert.Equal(11, unexpected.Line);
        Assert.StartsWith("unexpected alert of sample-exec-into-pod: alice@example.com ran", unexpected.Message, StringComparison.Ordinal);
    }
}
