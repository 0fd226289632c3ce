using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Rules;

/// <summary>
/// Every fix a rule attaches must work: applied (as RFC 6902 JSON Patch) to its object in the fail fixture, the
/// finding it was attached to goes away. Each fix is applied on its own to a fresh copy of the object.
/// </summary>
public sealed class RuleFixTests
{
    public static TheoryData<string> RulesWithFixes()
    {
        var data = new TheoryData<string>();
        foreach (var rule in RuleCatalog.BuiltIn.Rules)
        {
            var folder = Path.Combine(RuleFixtureTests.FixtureRoot, rule.Id);
            var result = RuleFixtureTests.Scan(folder, Path.Combine(folder, "fail.yaml"), rule.Id);
            if (result.Findings.Any(f => f.Fix is not null))
            {
                data.Add(rule.Id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RulesWithFixes))]
    public void Should_Make_The_Finding_Go_Away_When_Its_Fix_Is_Applied(string ruleId)
    {
        // Given
        var folder = Path.Combine(RuleFixtureTests.FixtureRoot, ruleId);
        var file = Path.Combine(folder, "fail.yaml");
        var load = new ManifestLoader().Load([file]);
        var result = RuleFixtureTests.Scan(folder, file, ruleId);

        foreach (var finding in result.Findings.Where(f => f.Fix is not null))
        {
            var original = load.Objects.Single(o => o.Ref == finding.Object && o.Origin.File.Path == finding.Location!.File &&
                FieldLocator.Locate(o.Root, finding.Path).Line == finding.Location.Line);

            // When
            var patched = Apply(ToJson(original), finding.Fix!.Operations);
            var objects = new List<KubeObject>(load.Objects.Where(o => !ReferenceEquals(o, original)));
            objects.AddRange(new ManifestLoader().LoadText(patched.ToJsonString(), "patched.json").Objects);
            var rescan = new Scanner(RuleCatalog.BuiltIn, options: new ScanOptions { Today = RuleFixtureTests.FixtureToday, OnlyRules = new HashSet<string> { ruleId } })
                .Scan(objects);

            // Then
            Assert.DoesNotContain(rescan.Findings, f =>
                f.Object == finding.Object && f.Path == finding.Path && f.Container == finding.Container && f.Location?.File == "patched.json");
        }
    }

    private static JsonNode ToJson(KubeObject obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            TypedConverter.Write(obj.Root, writer);
        }

        return JsonNode.Parse(stream.ToArray())!;
    }

    /// <summary>A minimal RFC 6902 applier (add, replace, remove) for the tests.</summary>
    internal static JsonNode Apply(JsonNode document, IEnumerable<PatchOperation> operations)
    {
        foreach (var op in operations)
        {
            var tokens = JsonPointer.Split(op.Path).ToList();
            Assert.NotEmpty(tokens);
            var parent = document;
            foreach (var token in tokens.Take(tokens.Count - 1))
            {
                parent = parent switch
                {
                    JsonObject o when o[token] is { } child => child,
                    JsonArray a when int.TryParse(token, out var i) && i < a.Count => a[i]!,
                    _ => throw new Xunit.Sdk.XunitException($"fix {op.Op} {op.Path}: parent '{token}' does not exist"),
                };
            }

            var last = tokens[^1];
            var value = op.Value is null ? null : JsonSerializer.SerializeToNode(op.Value);
            switch (op.Op, parent)
            {
                case ("add" or "replace", JsonObject o):
                    Assert.True(op.Op == "add" || o.ContainsKey(last), $"replace of missing member {op.Path}");
                    o[last] = value;
                    break;
                case ("add", JsonArray a):
                    if (last == "-")
                    {
                        a.Add(value);
                    }
                    else
                    {
                        a.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                    }

                    break;
                case ("replace", JsonArray a):
                    a[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                    break;
                case ("remove", JsonObject o):
                    Assert.True(o.Remove(last), $"remove of missing member {op.Path}");
                    break;
                case ("remove", JsonArray a):
                    a.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"unsupported patch operation {op.Op} at {op.Path}");
            }
        }

        return document;
    }
}
