using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Tests.PodSecurity;

/// <summary>
/// Data-driven Pod Security tests. Each file under PodSecurity/Fixtures/ holds <c>cases</c>; a case has a name, a
/// pod <c>spec</c> (and optional <c>annotations</c>, and <c>kind: Template</c> to evaluate it as a template rather
/// than a Pod) and <c>expect</c>: for each policy <c>&lt;level&gt;:&lt;version&gt;</c> either <c>allowed</c> or the exact
/// failure text (<c>reason (detail), reason (detail)</c>); the message must then be
/// <c>violates PodSecurity "&lt;policy&gt;": &lt;text&gt;</c>. An optional top-level <c>newest</c> sets the evaluator's
/// newest version (default v1.35). Expectations are written by hand from the spec, not produced by the code.
/// </summary>
public sealed class PodSecurityFixtureTests
{
    private static string FixtureRoot => Path.Combine(AppContext.BaseDirectory, "PodSecurity", "Fixtures");

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in Directory.GetFiles(FixtureRoot, "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
        {
            var fixture = Fixture.Load(file);
            foreach (var c in fixture.Cases)
            {
                foreach (var policy in c.Expect.Keys)
                {
                    data.Add(Path.GetFileName(file), c.Name, policy);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Match_The_Expected_Outcome(string file, string caseName, string policyText)
    {
        // Given
        var fixture = Fixture.Load(Path.Combine(FixtureRoot, file));
        var c = fixture.Cases.Single(x => x.Name == caseName);
        var policy = ParsePolicy(policyText);
        var evaluator = new PodSecurityEvaluator(fixture.Newest);
        var pod = c.BuildPod();

        // When
        var result = evaluator.Evaluate(policy, pod);

        // Then
        var expected = c.Expect[policyText];
        if (expected == "allowed")
        {
            Assert.True(result.Allowed, $"{caseName} at {policyText}: expected allowed, got: {result.Message}");
            Assert.Equal(string.Empty, result.Message);
        }
        else
        {
            Assert.False(result.Allowed, $"{caseName} at {policyText}: expected forbidden");
            Assert.Equal($"violates PodSecurity \"{policyText}\": {expected}", result.Message);
        }
    }

    [Fact]
    public void Should_Have_Fixtures_With_Cases()
    {
        Assert.True(Cases().Count() > 100);
    }

    internal static LevelVersion ParsePolicy(string text)
    {
        var parts = text.Split(':');
        Assert.True(parts.Length == 2 && PodSecurityLevels.TryParse(parts[0], out _) && PolicyVersion.TryParse(parts[1], out _), $"bad policy {text}");
        PodSecurityLevels.TryParse(parts[0], out var level);
        PolicyVersion.TryParse(parts[1], out var version);
        return new LevelVersion(level, version);
    }

    /// <summary>Loads manifests and returns the single pod they run.</summary>
    internal static PodTemplate SinglePod(string yaml)
    {
        var load = new ManifestLoader().LoadText(yaml, "fixture.yaml");
        Assert.Empty(load.Errors);
        var inventory = new Inventory(load.Objects);
        Assert.Empty(inventory.ConversionErrors);
        return Assert.Single(inventory.PodTemplates);
    }

    private sealed class Fixture
    {
        public PolicyVersion Newest { get; private init; } = PodSecurityEvaluator.DefaultNewestVersion;

        public List<FixtureCase> Cases { get; } = [];

        public static Fixture Load(string file)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            foreach (var node in stream.Documents[0].AllNodes)
            {
                node.Anchor = default; // anchors are shared fixture snippets: emit their content in full
            }

            var newest = PodSecurityEvaluator.DefaultNewestVersion;
            if (root.Children.TryGetValue(new YamlScalarNode("newest"), out var newestNode))
            {
                Assert.True(PolicyVersion.TryParse(((YamlScalarNode)newestNode).Value, out newest));
            }

            var fixture = new Fixture { Newest = newest };
            foreach (var item in ((YamlSequenceNode)root["cases"]).Children.Cast<YamlMappingNode>())
            {
                var expect = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in ((YamlMappingNode)item["expect"]).Children)
                {
                    expect.Add(((YamlScalarNode)key).Value!, ((YamlScalarNode)value).Value!);
                }

                item.Children.TryGetValue(new YamlScalarNode("annotations"), out var annotations);
                item.Children.TryGetValue(new YamlScalarNode("kind"), out var kind);
                fixture.Cases.Add(new FixtureCase(
                    ((YamlScalarNode)item["name"]).Value!,
                    item["spec"],
                    annotations,
                    (kind as YamlScalarNode)?.Value == "Template",
                    expect));
            }

            Assert.Equal(fixture.Cases.Count, fixture.Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
            return fixture;
        }
    }

    private sealed record FixtureCase(string Name, YamlNode Spec, YamlNode? Annotations, bool IsTemplate, Dictionary<string, string> Expect)
    {
        public PodTemplate BuildPod()
        {
            var metadata = new YamlMappingNode { { "name", "pod" } };
            if (Annotations is not null)
            {
                metadata.Add("annotations", Annotations);
            }

            var pod = new YamlMappingNode { { "metadata", metadata }, { "spec", Spec } };
            var root = IsTemplate
                ? new YamlMappingNode { { "apiVersion", "v1" }, { "kind", "PodTemplate" }, { "metadata", new YamlMappingNode { { "name", "t" } } }, { "template", pod } }
                : new YamlMappingNode { { "apiVersion", "v1" }, { "kind", "Pod" }, { "metadata", metadata }, { "spec", Spec } };
            using var writer = new StringWriter();
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
            return SinglePod(writer.ToString());
        }
    }
}
