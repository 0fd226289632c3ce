using System.Text.RegularExpressions;
using Bulwark.Findings;
using Bulwark.Rules;
using Xunit;

namespace Bulwark.Tests.Rules;

public sealed class RuleCatalogTests
{
    [Fact]
    public void Should_Have_Unique_Kebab_Case_Ids_That_Fit_An_Annotation_Key()
    {
        var ids = RuleCatalog.BuiltIn.Rules.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", id));
        Assert.All(ids, id => Assert.True(id.Length <= 63, $"{id} is too long for an annotation name"));
    }

    [Fact]
    public void Should_Have_A_Fixture_Folder_For_Every_Rule_And_No_Orphan_Folders()
    {
        var ids = RuleCatalog.BuiltIn.Rules.Select(r => r.Id).ToHashSet();
        var folders = Directory.GetDirectories(RuleFixtureTests.FixtureRoot).Select(Path.GetFileName).ToHashSet();
        Assert.Empty(ids.Except(folders!));
        Assert.Empty(folders.Except(ids)!);
    }

    [Fact]
    public void Should_Give_Every_Rule_Controls_From_Controls_Md_Except_Meta_Rules()
    {
        foreach (var rule in RuleCatalog.BuiltIn.Rules)
        {
            Assert.All(rule.Info.Controls, c => Assert.True(Controls.All.ContainsKey(c), $"{rule.Id}: unknown control {c}"));
            if (rule.Info.Layer != Layer.Meta)
            {
                Assert.True(rule.Info.Controls.Count > 0, $"{rule.Id} names no control");
            }
        }
    }

    [Fact]
    public void Should_Give_Every_Rule_A_Remediation_And_Rationale_In_Full_Sentences()
    {
        var sentence = new Regex(@"^[A-Z`].*[.)]$", RegexOptions.Singleline);
        foreach (var rule in RuleCatalog.BuiltIn.Rules)
        {
            Assert.True(sentence.IsMatch(rule.Info.Remediation), $"{rule.Id}: remediation is not a full sentence: {rule.Info.Remediation}");
            Assert.True(sentence.IsMatch(rule.Info.Rationale), $"{rule.Id}: rationale is not a full sentence: {rule.Info.Rationale}");
            Assert.True(sentence.IsMatch(rule.Info.Title + ".") && !rule.Info.Title.EndsWith('.'), $"{rule.Id}: title should be capitalised, without a full stop");
        }
    }
}
