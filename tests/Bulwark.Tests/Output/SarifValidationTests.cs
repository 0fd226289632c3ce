using System.Diagnostics;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Output;
using Xunit;

namespace Bulwark.Tests.Output;

/// <summary>
/// Validates our SARIF with Microsoft's SARIF multitool (the reference validator: JSON schema plus the SARIF
/// rules SARIF1xxx/SARIF2xxx and GitHub's GH1xxx ingestion rules). The multitool exits 0 even when the file is
/// invalid, so its own SARIF output is read. It also silently skips a file it cannot deserialise (an unknown enum
/// value, say), so every check also requires the multitool's "always on" advisory notes to be present: proof that
/// the rules actually ran on the file.
/// </summary>
public sealed class SarifValidationTests
{
    private const string InstallHint = "run scripts/test.sh to install the test tools";

    [Fact]
    public void Sarif_Output_Has_No_Validation_Errors_Or_Warnings()
    {
        var sarif = ReportSamples.Render(new SarifReport(), ReportSamples.Result(), ReportSamples.Context());
        var results = Validate(sarif);

        var problems = results.Where(r => r.Level is "error" or "warning").ToList();
        Assert.True(problems.Count == 0, "the SARIF multitool reports:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Sarif_Output_Of_A_Clean_Scan_Is_Valid()
    {
        var sarif = ReportSamples.Render(new SarifReport(), ReportSamples.Clean(), ReportSamples.Context(showSuppressed: false));
        var results = Validate(sarif);

        var problems = results.Where(r => r.Level is "error" or "warning").ToList();
        Assert.True(problems.Count == 0, "the SARIF multitool reports:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Sarif_Output_For_Standard_Input_Is_Valid()
    {
        var sample = ReportSamples.Result();
        var stdinFinding = sample.Findings[0] with { Location = new Location(Model.SourceFile.StdinName, 5, 3) };
        var result = new ScanResult
        {
            FileCount = 1,
            ObjectCount = 1,
            Findings = [stdinFinding],
            Suppressed = [],
            Errors = [new InputError(Model.SourceFile.StdinName, 9, 4, "syntax", "mapping values are not allowed in this context")],
        };
        var sarif = ReportSamples.Render(new SarifReport(), result, ReportSamples.Context());
        Assert.Contains("<stdin>:9:4: mapping values are not allowed in this context.", sarif, StringComparison.Ordinal);
        var results = Validate(sarif);

        var problems = results.Where(r => r.Level is "error" or "warning").ToList();
        Assert.True(problems.Count == 0, "the SARIF multitool reports:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Negative_Control_A_Broken_Sarif_File_Is_Reported_Invalid()
    {
        // Our own output, broken three ways the validator must notice: a region starting on line 0 (schema), a
        // ruleIndex past the rules array (SARIF1009) and a URI with a space and a backslash (SARIF1002).
        var sarif = ReportSamples.Render(new SarifReport(), ReportSamples.Result(), ReportSamples.Context())
            .Replace("\"startLine\": 21,", "\"startLine\": 0,", StringComparison.Ordinal)
            .Replace("\"ruleIndex\": 2,", "\"ruleIndex\": 17,", StringComparison.Ordinal)
            .Replace("\"uri\": \"deploy/debug.yaml\"", "\"uri\": \"deploy\\\\de bug.yaml\"", StringComparison.Ordinal);
        var results = Validate(sarif);

        var errors = results.Where(r => r.Level == "error").Select(r => r.RuleId).ToHashSet();
        Assert.Contains("JSON1008", errors);
        Assert.Contains("SARIF1009", errors);
        Assert.Contains("SARIF1002", errors);
    }

    [Fact]
    public void Severities_Map_To_Sarif_Levels_And_GitHub_Security_Severity()
    {
        Assert.Equal("error", SarifReport.Level(Severity.Critical));
        Assert.Equal("error", SarifReport.Level(Severity.High));
        Assert.Equal("warning", SarifReport.Level(Severity.Medium));
        Assert.Equal("note", SarifReport.Level(Severity.Low));
        Assert.Equal("note", SarifReport.Level(Severity.Info));
        var scores = Enum.GetValues<Severity>().Select(s => double.Parse(SarifReport.SecuritySeverity(s), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.Order().ToList(), scores);
        Assert.All(scores, s => Assert.InRange(s, 0.0, 10.0));
    }

    [Fact]
    public void Files_Outside_The_Working_Directory_Get_Absolute_File_Uris()
    {
        using var doc = JsonDocument.Parse(ReportSamples.Render(new SarifReport(), ReportSamples.Result(), ReportSamples.Context()));
        var uris = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .SelectMany(r => r.GetProperty("locations").EnumerateArray())
            .Where(l => l.TryGetProperty("physicalLocation", out _))
            .Select(l => l.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString())
            .ToList();
        Assert.Contains("file:///srv/elsewhere/agent.yaml", uris);
        Assert.Contains("deploy/team%20a/report.yaml", uris);
        Assert.All(uris, u => Assert.DoesNotContain("\\", u!, StringComparison.Ordinal));
    }

    internal sealed record ValidationResult(string RuleId, string Level, string Text)
    {
        public override string ToString() => $"{Level} {RuleId}: {Text}";
    }

    internal static List<ValidationResult> Validate(string sarif)
    {
        var tool = Multitool();
        var dir = Directory.CreateTempSubdirectory("bulwark-sarif-");
        try
        {
            var input = Path.Combine(dir.FullName, "report.sarif");
            var output = Path.Combine(dir.FullName, "validation.sarif");
            File.WriteAllText(input, sarif);
            var start = new ProcessStartInfo(tool)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir.FullName,
            };
            foreach (var arg in new[] { "validate", input, "-o", output, "--log", "ForceOverwrite", "--level", "Error;Warning;Note", "--rule-kind", "Sarif;Gh" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the SARIF multitool did not finish in 2 minutes");
            var console = stdout.Result + stderr.Result;
            Assert.True(process.ExitCode == 0, $"the SARIF multitool failed ({process.ExitCode}):\n{console}");
            Assert.True(File.Exists(output), $"the SARIF multitool wrote no output:\n{console}");

            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            var run = doc.RootElement.GetProperty("runs")[0];
            var results = new List<ValidationResult>();
            foreach (var r in run.GetProperty("results").EnumerateArray())
            {
                var level = r.TryGetProperty("level", out var l) ? l.GetString()! : "warning";
                results.Add(new ValidationResult(r.GetProperty("ruleId").GetString()!, level, MessageText(r, run)));
            }

            // Tool failures (a rule crashing, a file it could not read) are notifications, not results.
            foreach (var invocation in run.GetProperty("invocations").EnumerateArray())
            {
                foreach (var name in new[] { "toolExecutionNotifications", "toolConfigurationNotifications" })
                {
                    if (invocation.TryGetProperty(name, out var notifications))
                    {
                        foreach (var n in notifications.EnumerateArray())
                        {
                            var level = n.TryGetProperty("level", out var l) ? l.GetString()! : "warning";
                            results.Add(new ValidationResult("notification", level, n.GetProperty("message").GetRawText()));
                        }
                    }
                }
            }

            // SARIF2003 (provide version control provenance) is a note the multitool emits for every run it analyses;
            // without it the file was skipped, not validated.
            Assert.True(results.Any(r => r.RuleId == "SARIF2003"), "the SARIF multitool did not analyse the file (no SARIF2003 note):\n" + console);
            return results;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string MessageText(JsonElement result, JsonElement run)
    {
        var message = result.GetProperty("message");
        var args = message.TryGetProperty("arguments", out var a) ? a.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray() : [];
        var id = message.TryGetProperty("id", out var i) ? i.GetString() : null;
        var ruleId = result.GetProperty("ruleId").GetString();
        if (id is not null && run.GetProperty("tool").GetProperty("driver").TryGetProperty("rules", out var rules))
        {
            foreach (var rule in rules.EnumerateArray())
            {
                if (rule.GetProperty("id").GetString() == ruleId && rule.TryGetProperty("messageStrings", out var strings) && strings.TryGetProperty(id, out var template))
                {
                    var text = template.GetProperty("text").GetString()!;
                    for (var n = 0; n < args.Length; n++)
                    {
                        text = text.Replace("{" + n + "}", args[n], StringComparison.Ordinal);
                    }

                    return text;
                }
            }
        }

        return message.TryGetProperty("text", out var t) ? t.GetString()! : $"{id} [{string.Join(", ", args)}]";
    }

    /// <summary>tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool, found from the repository root.</summary>
    private static string Multitool()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Golden.TestProjectDirectory()))!;
        var tool = Path.Combine(root, "tests", "tools", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
        Assert.True(File.Exists(tool), $"the SARIF multitool is missing at {tool}: {InstallHint}");
        return tool;
    }
}
