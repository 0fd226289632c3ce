using Bulwark.Output;
using Xunit;

namespace Bulwark.Tests.Output;

public sealed class ReportGoldenTests
{
    [Fact]
    public void Json_Report_Matches_Golden() =>
        Golden.Verify("report.json", ReportSamples.Render(new JsonReport(), ReportSamples.Result(), ReportSamples.Context()));

    [Fact]
    public void Sarif_Report_Matches_Golden() =>
        Golden.Verify("report.sarif", ReportSamples.Render(new SarifReport(), ReportSamples.Result(), ReportSamples.Context()));

    [Fact]
    public void JUnit_Report_Matches_Golden() =>
        Golden.Verify("report.junit", ReportSamples.Render(new JUnitReport(), ReportSamples.Result(), ReportSamples.Context()));

    [Fact]
    public void Markdown_Report_Matches_Golden() =>
        Golden.Verify("report.markdown", ReportSamples.Render(new MarkdownReport(), ReportSamples.Result(), ReportSamples.Context()));

    [Fact]
    public void Markdown_Report_Of_A_Clean_Scan_Matches_Golden() =>
        Golden.Verify("report-clean.markdown", ReportSamples.Render(new MarkdownReport(), ReportSamples.Clean(), ReportSamples.Context(showSuppressed: false)));

    [Fact]
    public void Markdown_Report_Without_Show_Suppressed_Only_Counts_Them()
    {
        var text = ReportSamples.Render(new MarkdownReport(), ReportSamples.Result(), ReportSamples.Context(showSuppressed: false));
        Assert.Contains("2 findings are suppressed by exceptions (run with `--show-suppressed` to list them).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("needs host devices", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("run `x`", "run \\`x\\`")]
    [InlineData("<img src=x>", "&lt;img src=x&gt;")]
    [InlineData("[link](http://e)", "\\[link\\](http://e)")]
    [InlineData("two\nlines", "two lines")]
    public void Markdown_Text_Is_Escaped(string input, string expected) =>
        Assert.Equal(expected, MarkdownReport.Text(input));

    [Theory]
    [InlineData("plain", "`plain`")]
    [InlineData("a|b", "`a\\|b`")]
    [InlineData("x`y", "``x`y``")]
    [InlineData("`start", "`` `start ``")]
    public void Markdown_Code_Spans_Survive_Backticks_And_Pipes(string input, string expected) =>
        Assert.Equal(expected, MarkdownReport.Code(input));
}
