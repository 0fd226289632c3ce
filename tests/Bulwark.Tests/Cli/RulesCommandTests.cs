using System.Text.Json;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class RulesCommandTests
{
    [Fact]
    public void Should_List_Every_Rule_As_Json()
    {
        var (code, stdout, stderr) = CliRunner.Run("rules", "-o", "json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var ids = json.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(RuleCatalog.BuiltIn.Rules.Select(r => r.Id), ids);
    }

    [Fact]
    public void Should_Keep_Docs_Rules_Md_In_Sync_With_The_Catalog()
    {
        // docs/rules.md is generated: `./bulwark rules -o markdown > docs/rules.md`
        var (_, stdout, _) = CliRunner.Run("rules", "-o", "markdown");
        var docs = Path.Combine(RepoRoot(), "docs", "rules.md");

        Assert.True(File.Exists(docs), "docs/rules.md is missing: run ./bulwark rules -o markdown > docs/rules.md");
        Assert.True(File.ReadAllText(docs) == stdout, "docs/rules.md is stale: run ./bulwark rules -o markdown > docs/rules.md");
    }

    [Fact]
    public void Should_List_Rules_In_A_Table()
    {
        var (code, stdout, _) = CliRunner.Run("rules");

        Assert.Equal(0, code);
        Assert.All(RuleCatalog.BuiltIn.Rules, r => Assert.Contains(r.Id, stdout));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
