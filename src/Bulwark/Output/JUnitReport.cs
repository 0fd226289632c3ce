using System.Text;
using System.Xml;
using System.Xml.Linq;
using Bulwark.Findings;

namespace Bulwark.Output;

/// <summary>
/// JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps). One testsuite per rule that ran; in it one
/// testcase per object the rule reported on, failed with every finding of that rule in that object (one
/// &lt;failure&gt; element: consumers read only the first one of a testcase). A rule without findings has one
/// passing testcase "all objects". Suppressed-only objects (with --show-suppressed) are skipped testcases. Input
/// problems form the suite "bulwark.inputs": an errored testcase per input error.
/// </summary>
public sealed class JUnitReport : IReportRenderer
{
    public const string InputsSuite = "bulwark.inputs";

    public string Format => "junit";

    public void Render(ScanResult result, ReportContext context, TextWriter output)
    {
        var suites = new List<XElement>();
        foreach (var (ruleId, title) in RulesInOrder(result, context))
        {
            suites.Add(RuleSuite(ruleId, title, result, context));
        }

        suites.Add(InputsSuiteElement(result));

        var root = new XElement("testsuites",
            new XAttribute("name", ToolInfo.Name),
            new XAttribute("tests", Sum(suites, "tests")),
            new XAttribute("failures", Sum(suites, "failures")),
            new XAttribute("errors", Sum(suites, "errors")),
            new XAttribute("skipped", Sum(suites, "skipped")),
            suites);

        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            Encoding = new UTF8Encoding(false),
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(writer);
        }

        output.Write(Encoding.UTF8.GetString(stream.ToArray()));
        output.WriteLine();
    }

    private static IEnumerable<(string Id, string Title)> RulesInOrder(ScanResult result, ReportContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in context.Rules)
        {
            if (seen.Add(rule.Id))
            {
                yield return (rule.Id, rule.Info.Title);
            }
        }

        foreach (var f in Shown(result, context))
        {
            if (seen.Add(f.Rule))
            {
                yield return (f.Rule, f.Title);
            }
        }
    }

    private static IEnumerable<Finding> Shown(ScanResult result, ReportContext context) =>
        context.ShowSuppressed ? result.Findings.Concat(result.Suppressed) : result.Findings;

    private static XElement RuleSuite(string ruleId, string title, ScanResult result, ReportContext context)
    {
        var cases = new List<XElement>();
        int failures = 0, skipped = 0;
        foreach (var group in Shown(result, context).Where(f => f.Rule == ruleId).GroupBy(f => f.Object))
        {
            var active = group.Where(f => f.Suppressed is null).ToList();
            var first = group.First();
            var testcase = new XElement("testcase",
                new XAttribute("name", Clean(group.Key.ToString())),
                new XAttribute("classname", $"{ToolInfo.Name}.{ruleId}"));
            if (first.Location is { } location)
            {
                testcase.Add(new XAttribute("file", Clean(location.File)));
            }

            if (active.Count > 0)
            {
                failures++;
                var worst = active.Max(f => f.Severity);
                testcase.Add(new XElement("failure",
                    new XAttribute("message", Clean(string.Join("; ", active.Select(f => f.Message)))),
                    new XAttribute("type", worst.Name()),
                    Clean(FailureBody(active))));
            }
            else
            {
                skipped++;
                var reasons = group.Select(f => f.Suppressed!.Reason).Distinct(StringComparer.Ordinal);
                testcase.Add(new XElement("skipped", new XAttribute("message", Clean("suppressed: " + string.Join("; ", reasons)))));
            }

            cases.Add(testcase);
        }

        if (cases.Count == 0)
        {
            cases.Add(new XElement("testcase",
                new XAttribute("name", "all objects"),
                new XAttribute("classname", $"{ToolInfo.Name}.{ruleId}")));
        }

        return new XElement("testsuite",
            new XAttribute("name", ruleId),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", skipped),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "title"), new XAttribute("value", Clean(title)))),
            cases);
    }

    private static string FailureBody(IReadOnlyList<Finding> findings)
    {
        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            sb.Append(f.Severity.Name()).Append(": ").Append(f.Message).Append('\n');
            var where = f.Location is { } l ? $"{l.File}:{l.Line}:{l.Column}" : "(no position)";
            sb.Append("  location: ").Append(where).Append('\n');
            sb.Append("  path: ").Append(f.Path.Length == 0 ? "/" : f.Path).Append('\n');
            if (f.Container is not null)
            {
                sb.Append("  container: ").Append(f.Container).Append('\n');
            }

            if (f.Controls.Count > 0)
            {
                sb.Append("  controls: ").Append(string.Join(", ", f.Controls)).Append('\n');
            }
        }

        foreach (var remediation in findings.Select(f => f.Remediation).Distinct(StringComparer.Ordinal))
        {
            sb.Append("remediation: ").Append(remediation).Append('\n');
        }

        return sb.ToString();
    }

    private static XElement InputsSuiteElement(ScanResult result)
    {
        var cases = new List<XElement>();
        var errors = 0;
        foreach (var e in result.Errors)
        {
            var name = e.Line > 0 ? $"{e.File}:{e.Line}:{e.Column}" : e.File;
            var testcase = new XElement("testcase",
                new XAttribute("name", Clean(name)),
                new XAttribute("classname", InputsSuite));
            if (e.File != Model.SourceFile.StdinName)
            {
                testcase.Add(new XAttribute("file", Clean(e.File)));
            }

            if (e.Level == InputErrorLevel.Error)
            {
                errors++;
                testcase.Add(new XElement("error",
                    new XAttribute("message", Clean(e.Message)),
                    new XAttribute("type", Clean(e.Kind)),
                    Clean(e.ToString() + "\n")));
            }
            else
            {
                testcase.Add(new XElement("system-out", Clean($"warning ({e.Kind}): {e}\n")));
            }

            cases.Add(testcase);
        }

        if (cases.Count == 0)
        {
            cases.Add(new XElement("testcase", new XAttribute("name", "all inputs"), new XAttribute("classname", InputsSuite)));
        }

        return new XElement("testsuite",
            new XAttribute("name", InputsSuite),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", 0),
            new XAttribute("errors", errors),
            new XAttribute("skipped", 0),
            cases);
    }

    private static int Sum(IEnumerable<XElement> suites, string attribute) =>
        suites.Sum(s => (int)s.Attribute(attribute)!);

    /// <summary>Drops characters XML 1.0 cannot carry at all (control characters from hostile manifests).</summary>
    private static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                sb.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                sb.Append(text, i, 2);
                i++;
            }
            else
            {
                sb.Append('\uFFFD');
            }
        }

        return sb.ToString();
    }
}
