using System.Text;
using Bulwark.Findings;

namespace Bulwark.Output;

/// <summary>
/// GitHub-flavoured Markdown for a pull-request comment: a verdict heading, a summary by severity, a table of
/// findings per severity, collapsed remediation per rule, then suppressed findings and input problems.
/// Text from manifests is escaped so that it can neither break a table nor inject markup.
/// </summary>
public sealed class MarkdownReport : IReportRenderer
{
    public string Format => "markdown";

    public void Render(ScanResult result, ReportContext context, TextWriter output)
    {
        var sb = new StringBuilder();
        var inputErrors = result.Errors.Count(e => e.Level == InputErrorLevel.Error);
        var inputWarnings = result.Errors.Count - inputErrors;
        var failed = result.Fails(context.FailOn);
        var threshold = context.FailOn?.Name() ?? "none";

        var verdict = (failed, inputErrors > 0) switch
        {
            (true, true) => "❌ failed, ⚠️ input errors",
            (true, false) => "❌ failed",
            (false, true) => "⚠️ input errors",
            _ => "✅ passed",
        };
        sb.Append("## Bulwark: ").Append(verdict).Append("\n\n");
        sb.Append(ReportText.Plural(result.Findings.Count, "finding", "findings"))
            .Append(" in ").Append(ReportText.Plural(result.ObjectCount, "object", "objects"))
            .Append(" from ").Append(ReportText.Plural(result.FileCount, "file", "files"));
        if (failed)
        {
            var atOrAbove = result.Findings.Count(f => f.Severity >= context.FailOn!.Value);
            sb.Append("; ").Append(ReportText.Plural(atOrAbove, "is", "are")).Append(" at or above the threshold `").Append(threshold).Append('`');
        }
        else
        {
            sb.Append("; none at or above the threshold `").Append(threshold).Append('`');
        }

        if (inputErrors > 0)
        {
            sb.Append("; ").Append(ReportText.Plural(inputErrors, "input error", "input errors")).Append(" left the scan incomplete");
        }

        sb.Append('.');
        sb.Append("\n\n");
        sb.Append("| Severity | Findings |\n|---|---:|\n");
        foreach (var severity in Enum.GetValues<Severity>().Reverse())
        {
            sb.Append("| ").Append(severity.Name()).Append(" | ").Append(ReportText.Count(result.Findings.Count(f => f.Severity == severity))).Append(" |\n");
        }

        foreach (var group in result.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key))
        {
            sb.Append("\n### ").Append(Capitalise(group.Key.Name())).Append(" (").Append(ReportText.Count(group.Count())).Append(")\n\n");
            sb.Append("| Rule | Object | Location | Message |\n|---|---|---|---|\n");
            foreach (var f in group)
            {
                sb.Append("| ").Append(Code(f.Rule))
                    .Append(" | ").Append(Code(f.Object.ToString()))
                    .Append(" | ").Append(f.Location is { } l ? Code($"{l.File}:{l.Line}") : "-")
                    .Append(" | ").Append(Text(f.Message))
                    .Append(" |\n");
            }
        }

        var rules = result.Findings.GroupBy(f => f.Rule).ToList();
        if (rules.Count > 0)
        {
            sb.Append("\n<details>\n<summary>How to fix</summary>\n\n");
            foreach (var rule in rules)
            {
                var first = rule.First();
                sb.Append("- ").Append(Code(first.Rule)).Append(" (").Append(Text(first.Title)).Append("): ").Append(Text(first.Remediation)).Append('\n');
            }

            sb.Append("\n</details>\n");
        }

        if (result.Suppressed.Count > 0)
        {
            sb.Append("\n> ").Append(ReportText.Plural(result.Suppressed.Count, "finding is", "findings are")).Append(" suppressed by exceptions");
            if (!context.ShowSuppressed)
            {
                sb.Append(" (run with `--show-suppressed` to list them).\n");
            }
            else
            {
                sb.Append(".\n\n| Rule | Object | Reason | Source |\n|---|---|---|---|\n");
                foreach (var f in result.Suppressed)
                {
                    sb.Append("| ").Append(Code(f.Rule))
                        .Append(" | ").Append(Code(f.Object.ToString()))
                        .Append(" | ").Append(Text(f.Suppressed!.Reason))
                        .Append(" | ").Append(Text(f.Suppressed.Source))
                        .Append(" |\n");
                }
            }
        }

        if (result.Errors.Count > 0)
        {
            sb.Append("\n### Input problems\n\n");
            sb.Append(ReportText.Plural(inputErrors, "error", "errors")).Append(", ").Append(ReportText.Plural(inputWarnings, "warning", "warnings"))
                .Append(inputErrors > 0 ? ": a file with an error was not fully checked.\n\n" : ".\n\n");
            sb.Append("| Level | Location | Kind | Message |\n|---|---|---|---|\n");
            foreach (var e in result.Errors)
            {
                sb.Append("| ").Append(e.Level == InputErrorLevel.Error ? "error" : "warning")
                    .Append(" | ").Append(Code(e.Line > 0 ? $"{e.File}:{e.Line}" : e.File))
                    .Append(" | ").Append(Code(e.Kind))
                    .Append(" | ").Append(Text(e.Message))
                    .Append(" |\n");
            }
        }

        sb.Append("\n<sub>").Append(ToolInfo.Name).Append(' ').Append(Text(context.ToolVersion)).Append("</sub>\n");
        output.Write(sb.ToString());
    }

    /// <summary>
    /// Plain text in a table cell: Markdown and HTML metacharacters are backslash-escaped or turned into entities,
    /// line breaks become spaces, so the text can neither end the cell nor inject links, images or tags.
    /// </summary>
    public static string Text(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '&':
                    sb.Append("&amp;");
                    break;
                case '\r':
                case '\n':
                case '\t':
                    sb.Append(' ');
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' or '#' or '!':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A code span in a table cell: fenced with more backticks than the text holds, pipes escaped (GFM tables
    /// split cells before parsing code spans), line breaks become spaces.
    /// </summary>
    public static string Code(string text)
    {
        var flat = text.Replace('\r', ' ').Replace('\n', ' ').Replace("|", "\\|");
        var longest = 0;
        var run = 0;
        foreach (var c in flat)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = flat.StartsWith('`') || flat.EndsWith('`') ? " " : string.Empty;
        return fence + pad + flat + pad + fence;
    }

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
