using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Output;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Output;

/// <summary>docs/json-output.md is the contract of `-o json`: these tests keep the two from drifting apart.</summary>
public sealed class JsonSchemaDocTests
{
    private static readonly string[] SeverityNames = ["critical", "high", "medium", "low", "info"];

    [Fact]
    public void Every_Property_The_Json_Report_Emits_Is_Documented()
    {
        var doc = File.ReadAllText(DocPath());
        using var json = Render(showSuppressed: true);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Collect(json.RootElement, string.Empty, paths);

        // Sanity: the sample exercises the optional parts of a finding too.
        Assert.Contains("fix.patch[].value", paths);
        Assert.Contains("suppression.expires", paths);
        Assert.Contains("container", paths);

        var missing = paths.Where(p => !doc.Contains('`' + p + '`', StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not documented in docs/json-output.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Json_Report_Has_The_Documented_Structure()
    {
        using var json = Render(showSuppressed: true);
        var root = json.RootElement;
        Assert.Equal(["tool", "findings", "suppressed", "errors", "summary"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("bulwark", root.GetProperty("tool").GetProperty("name").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", root.GetProperty("tool").GetProperty("version").GetString());

        var findings = root.GetProperty("findings").EnumerateArray().Concat(root.GetProperty("suppressed").EnumerateArray()).ToList();
        Assert.NotEmpty(findings);
        foreach (var f in findings)
        {
            foreach (var key in new[] { "rule", "title", "severity", "message", "path", "remediation" })
            {
                Assert.Equal(JsonValueKind.String, f.GetProperty(key).ValueKind);
            }

            Assert.Contains(f.GetProperty("severity").GetString(), SeverityNames);
            Assert.All(f.GetProperty("controls").EnumerateArray(), c => Assert.Equal(JsonValueKind.String, c.ValueKind));
            var obj = f.GetProperty("object");
            Assert.Equal(JsonValueKind.String, obj.GetProperty("apiVersion").ValueKind);
            Assert.Equal(JsonValueKind.String, obj.GetProperty("kind").ValueKind);
            Assert.Equal(JsonValueKind.String, obj.GetProperty("name").ValueKind);
            Assert.Contains(obj.GetProperty("namespace").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
            var location = f.GetProperty("location");
            if (location.ValueKind != JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.String, location.GetProperty("file").ValueKind);
                Assert.True(location.GetProperty("line").GetInt32() >= 1);
                Assert.True(location.GetProperty("column").GetInt32() >= 1);
            }

            Assert.True(f.GetProperty("path").GetString() is "" or ['/', ..]);
        }

        Assert.All(root.GetProperty("suppressed").EnumerateArray(), s =>
        {
            Assert.Equal(JsonValueKind.String, s.GetProperty("suppression").GetProperty("source").ValueKind);
            Assert.Equal(JsonValueKind.String, s.GetProperty("suppression").GetProperty("reason").ValueKind);
        });
        Assert.All(root.GetProperty("findings").EnumerateArray(), f => Assert.False(f.TryGetProperty("suppression", out _)));

        foreach (var e in root.GetProperty("errors").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, e.GetProperty("file").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("line").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("column").ValueKind);
            Assert.Equal(JsonValueKind.String, e.GetProperty("kind").ValueKind);
            Assert.Contains(e.GetProperty("level").GetString(), new[] { "error", "warning" });
            Assert.Equal(JsonValueKind.String, e.GetProperty("message").ValueKind);
        }

        var summary = root.GetProperty("summary");
        var sample = ReportSamples.Result();
        Assert.Equal(sample.FileCount, summary.GetProperty("files").GetInt32());
        Assert.Equal(sample.ObjectCount, summary.GetProperty("objects").GetInt32());
        Assert.Equal(root.GetProperty("findings").GetArrayLength(), summary.GetProperty("findings").GetInt32());
        Assert.Equal(sample.Suppressed.Count, summary.GetProperty("suppressed").GetInt32());
        Assert.Equal(1, summary.GetProperty("errors").GetInt32());
        Assert.Equal(1, summary.GetProperty("warnings").GetInt32());
        Assert.Equal(SeverityNames, summary.GetProperty("bySeverity").EnumerateObject().Select(p => p.Name));
        Assert.Equal(summary.GetProperty("findings").GetInt32(), summary.GetProperty("bySeverity").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Equal(Enum.GetValues<Layer>().Select(l => l.ToString().ToLowerInvariant()), summary.GetProperty("byLayer").EnumerateObject().Select(p => p.Name));
        Assert.Equal("high", summary.GetProperty("failOn").GetString());
        Assert.Equal(JsonValueKind.True, summary.GetProperty("failed").ValueKind);
    }

    [Fact]
    public void Suppressed_Array_Is_Absent_Without_Show_Suppressed_But_Counted()
    {
        using var json = Render(showSuppressed: false);
        Assert.False(json.RootElement.TryGetProperty("suppressed", out _));
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("suppressed").GetInt32());
    }

    [Fact]
    public void Fail_On_None_Never_Fails()
    {
        using var writer = new StringWriter();
        new JsonReport().Render(ReportSamples.Result(), ReportSamples.Context() with { FailOn = null }, writer);
        using var json = JsonDocument.Parse(writer.ToString());
        Assert.Equal("none", json.RootElement.GetProperty("summary").GetProperty("failOn").GetString());
        Assert.False(json.RootElement.GetProperty("summary").GetProperty("failed").GetBoolean());
    }

    [Fact]
    public void Documented_Severity_Names_Match_The_Code() =>
        Assert.Equal(SeverityNames, Enum.GetValues<Severity>().Reverse().Select(s => s.Name()));

    private static JsonDocument Render(bool showSuppressed) =>
        JsonDocument.Parse(ReportSamples.Render(new JsonReport(), ReportSamples.Result(), ReportSamples.Context(showSuppressed)));

    /// <summary>
    /// The documented name of every property: top-level fields by their dotted path (`tool.name`,
    /// `summary.files`); fields of findings and errors relative to the item (`location.line`,
    /// `fix.patch[].op`); keys of the count maps by themselves (`critical`, `pod`).
    /// </summary>
    private static void Collect(JsonElement element, string prefix, ISet<string> paths)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    var path = prefix switch
                    {
                        "findings[]" or "suppressed[]" or "errors[]" => p.Name,
                        "summary.bySeverity" or "summary.byLayer" => null,
                        "" => p.Name,
                        _ => prefix + "." + p.Name,
                    };
                    paths.Add(path ?? p.Name);
                    if (path is not null && path != "fix.patch[].value")
                    {
                        Collect(p.Value, path, paths);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, prefix + "[]", paths);
                }

                break;
        }
    }

    private static string DocPath()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Golden.TestProjectDirectory()))!;
        return Path.Combine(root, "docs", "json-output.md");
    }
}
