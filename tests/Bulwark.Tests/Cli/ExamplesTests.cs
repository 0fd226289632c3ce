using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>The README's main command scans examples/: the insecure app fails on every layer, its hardened twin scans clean.</summary>
public sealed class ExamplesTests
{
    private static string Examples => Path.Combine(RulesCommandTests.RepoRoot(), "examples");

    [Fact]
    public void Should_Scan_The_Hardened_Example_Clean()
    {
        var (code, stdout, stderr) = CliRunner.Run("scan", Path.Combine(Examples, "hardened"), "-o", "json", "--fail-on", "info");

        using var json = JsonDocument.Parse(stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("rule").GetString()}: {f.GetProperty("message").GetString()} ({f.GetProperty("location").GetProperty("file").GetString()}:{f.GetProperty("location").GetProperty("line").GetInt32()})")
            .ToList();
        Assert.True(findings.Count == 0, "hardened example has findings:\n" + string.Join("\n", findings));
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void Should_Find_Problems_On_Every_Layer_Of_The_Insecure_Example()
    {
        var (code, stdout, _) = CliRunner.Run("scan", Path.Combine(Examples, "insecure"), "-o", "json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var byLayer = json.RootElement.GetProperty("summary").GetProperty("byLayer");
        foreach (var layer in new[] { "image", "pod", "rbac", "secrets", "network" })
        {
            Assert.True(byLayer.GetProperty(layer).GetInt32() > 0, $"no {layer} finding in examples/insecure");
        }

        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
    }
}
