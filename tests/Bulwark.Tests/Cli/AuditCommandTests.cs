using System.Text.Json;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Cli.Commands;
using Bulwark.Tests.Audit.Detection;
using Xunit;

namespace Bulwark.Tests.Cli;

/// <summary>
/// `bulwark audit detect`, `audit rules list` and `audit rules test` through the real command line. The tests bring
/// their own rules (names that cannot clash with the built-in pack) and a config that switches every built-in rule
/// off, so that their expectations hold whatever the pack contains.
/// </summary>
public sealed class AuditCommandTests : IDisposable
{
    private const string Rules = """
        list: clitest_admins
        items: [admin]
        ---
        macro: clitest_complete
        condition: ka.stage = ResponseComplete
        ---
        rule: clitest-secret-delete
        title: Secret deleted
        severity: high
        controls: [SEC-3]
        description: A secret was deleted by someone other than an administrator.
        resources: [{group: "", resources: [secrets]}]
        verbs: [delete]
        condition: clitest_complete and ka.verb = delete and ka.target.resource = secrets and not ka.user.name in (clitest_admins)
        output: secret %ka.target.namespace/%ka.target.name deleted by %ka.user.name
        equivalents: ["sigma:Secrets Modified or Deleted"]
        ---
        rule: clitest-configmap-read
        title: ConfigMap read
        severity: low
        condition: clitest_complete and ka.verb = get and ka.target.resource = configmaps
        output: configmap read by %ka.user.name
        """;

    private readonly TempDir _dir = new();

    public AuditCommandTests()
    {
        _dir.Write("rules/clitest.yaml", Rules);
        var builtIn = RulePack.BuiltIn.Rules.Select(r => r.Id).ToList();
        _dir.Write(".bulwark.yaml", builtIn.Count == 0 ? "audit: {}\n" : "audit:\n  disable: [" + string.Join(", ", builtIn) + "]\n");
        Log = _dir.Write("audit.log", string.Join("\n",
            DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "db"),
            DetectionTestKit.Event(verb: "get", resource: "configmaps", name: "settings", user: "bob"),
            DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "old", user: "admin"),
            DetectionTestKit.Event()) + "\n");
    }

    private string Log { get; }

    private string RulesDir => Path.Combine(_dir.Path, "rules");

    private string Config => Path.Combine(_dir.Path, ".bulwark.yaml");

    public void Dispose() => _dir.Dispose();

    private (int ExitCode, string Out, string Err) Detect(params string[] extra) =>
        CliRunner.Run(["audit", "detect", .. extra, "--rules", RulesDir, "--config", Config]);

    [Fact]
    public void Json_Output_Has_Exactly_The_Documented_Shape()
    {
        var (code, stdout, stderr) = Detect(Log, "-o", "json");

        Assert.True(code == 1, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(["alerts", "errors", "stats"], root.EnumerateObject().Select(p => p.Name));
        var alerts = root.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(2, alerts.Count);
        var a = alerts[0];
        Assert.Equal(["rule", "title", "severity", "controls", "message", "equivalents", "event", "location"], a.EnumerateObject().Select(p => p.Name));
        Assert.Equal("clitest-secret-delete", a.GetProperty("rule").GetString());
        Assert.Equal("Secret deleted", a.GetProperty("title").GetString());
        Assert.Equal("high", a.GetProperty("severity").GetString());
        Assert.Equal(["SEC-3"], a.GetProperty("controls").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("secret shop/db deleted by alice@example.com", a.GetProperty("message").GetString());
        Assert.Equal(["sigma:Secrets Modified or Deleted"], a.GetProperty("equivalents").EnumerateArray().Select(x => x.GetString()));
        var e = a.GetProperty("event");
        Assert.Equal(["auditID", "stage", "verb", "user", "sourceIPs", "userAgent", "objectRef", "requestURI", "responseStatus"], e.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("id-1", "ResponseComplete", "delete"), (e.GetProperty("auditID").GetString(), e.GetProperty("stage").GetString(), e.GetProperty("verb").GetString()));
        Assert.Equal("alice@example.com", e.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal(["10.0.0.1"], e.GetProperty("sourceIPs").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("db", e.GetProperty("objectRef").GetProperty("name").GetString());
        Assert.Equal(200, e.GetProperty("responseStatus").GetProperty("code").GetInt32());
        Assert.Equal("/api/v1/namespaces/shop/secrets", e.GetProperty("requestURI").GetString());
        Assert.Equal(["file", "line"], a.GetProperty("location").EnumerateObject().Select(p => p.Name));
        Assert.Equal((Log, 1), (a.GetProperty("location").GetProperty("file").GetString(), a.GetProperty("location").GetProperty("line").GetInt32()));
        Assert.Equal(2, alerts[1].GetProperty("location").GetProperty("line").GetInt32());

        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        var stats = root.GetProperty("stats");
        Assert.Equal(4, stats.GetProperty("events").GetInt32());
        Assert.Equal(2, stats.GetProperty("alerts").GetInt32());
        Assert.Equal(0, stats.GetProperty("errors").GetInt32());
        Assert.Equal(1, stats.GetProperty("alertsByRule").GetProperty("clitest-secret-delete").GetInt32());
        Assert.Equal(1, stats.GetProperty("alertsByRule").GetProperty("clitest-configmap-read").GetInt32());
        Assert.Equal(JsonValueKind.Object, stats.GetProperty("skippedForMissingFieldsByRule").ValueKind);
    }

    [Theory]
    [InlineData("high", 1)]
    [InlineData("low", 1)]
    [InlineData("critical", 0)]
    [InlineData("none", 0)]
    public void Exit_Code_Follows_Fail_On(string failOn, int expected)
    {
        var (code, _, stderr) = Detect(Log, "--fail-on", failOn);
        Assert.True(code == expected, stderr);
    }

    [Fact]
    public void Usage_And_Input_Errors_Exit_2_With_One_Line_Messages()
    {
        var badFailOn = Detect(Log, "--fail-on", "severe");
        Assert.Equal(2, badFailOn.ExitCode);
        Assert.Contains("--fail-on must be one of", badFailOn.Err, StringComparison.Ordinal);

        var missing = Detect(Path.Combine(_dir.Path, "nope.log"), "-o", "json");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.log: no such file or folder", missing.Err, StringComparison.Ordinal);

        var followFolder = Detect(_dir.Path, "--follow");
        Assert.Equal(2, followFolder.ExitCode);
        Assert.Contains("--follow needs exactly one existing log file", followFolder.Err, StringComparison.Ordinal);

        var followJson = Detect(Log, "--follow", "-o", "json");
        Assert.Equal(2, followJson.ExitCode);

        var noRules = CliRunner.Run("audit", "detect", Log, "--rules", Path.Combine(_dir.Path, "missing"));
        Assert.Equal(2, noRules.ExitCode);
        Assert.DoesNotContain("   at ", noRules.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Bad_Line_Is_Reported_With_File_And_Line_And_The_Rest_Still_Alerts()
    {
        var log = _dir.Write("mixed.log", DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "db") + "\n{\"kind\":\"Event\",\n" +
            DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "other") + "\n");
        var (code, stdout, stderr) = Detect(log, "-o", "json");

        Assert.Equal(2, code);
        Assert.Contains($"bulwark: error: {log}:2: truncated JSON", stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("alerts").GetArrayLength());
        var error = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray().ToList());
        Assert.Equal(("input", log, 2), (error.GetProperty("kind").GetString(), error.GetProperty("file").GetString(), error.GetProperty("line").GetInt32()));
    }

    [Fact]
    public void Jsonl_Writes_One_Alert_Per_Line()
    {
        var (code, stdout, _) = Detect(Log, "-o", "jsonl");

        Assert.Equal(1, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(l).RootElement.ValueKind));
        Assert.Equal("clitest-configmap-read", JsonDocument.Parse(lines[1]).RootElement.GetProperty("rule").GetString());
    }

    [Fact]
    public void Reads_Standard_Input()
    {
        var (code, stdout, _) = CliRunner.RunWithStdin(File.ReadAllText(Log), "audit", "detect", "-", "-o", "json", "--rules", RulesDir, "--config", Config);

        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("<stdin>", doc.RootElement.GetProperty("alerts")[0].GetProperty("location").GetProperty("file").GetString());
    }

    [Fact]
    public void Table_Output_Lists_Alerts_And_A_Summary()
    {
        var (code, stdout, _) = Detect(Log);

        Assert.Equal(1, code);
        Assert.Contains("clitest-secret-delete", stdout, StringComparison.Ordinal);
        Assert.Contains("2 alert(s): 1 high, 1 low (4 events", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sarif_Output_Is_Valid()
    {
        var (code, stdout, _) = Detect(Log, "-o", "sarif");
        Assert.Equal(1, code);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var run = doc.RootElement.GetProperty("runs")[0];
            Assert.Equal(2, run.GetProperty("results").GetArrayLength());
            Assert.Equal("clitest-secret-delete", run.GetProperty("results")[0].GetProperty("ruleId").GetString());
        }

        var problems = Output.SarifValidationTests.Validate(stdout).Where(r => r.Level is "error" or "warning").ToList();
        Assert.True(problems.Count == 0, "the SARIF multitool reports:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Sarif_Output_With_Input_Errors_Is_Valid()
    {
        var log = _dir.Write("bad.log", "not json\n" + DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "db") + "\n");
        var (code, stdout, _) = Detect(log, "-o", "sarif");
        Assert.Equal(2, code);
        Assert.Contains("toolExecutionNotifications", stdout, StringComparison.Ordinal);

        var problems = Output.SarifValidationTests.Validate(stdout).Where(r => r.Level is "error" or "warning").ToList();
        Assert.True(problems.Count == 0, "the SARIF multitool reports:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Config_Tuning_Applies_And_Unknown_Names_Are_Errors()
    {
        // The built-in pack stays disabled here, as in the default .bulwark.yaml of this class: only the test rules count.
        var disabled = RulePack.BuiltIn.Rules.Select(r => r.Id).Append("clitest-configmap-read");
        var config = _dir.Write("tuned.yaml", "audit:\n  lists:\n    clitest_admins: {append: [alice@example.com]}\n  disable: [" + string.Join(", ", disabled) + "]\n");
        var tuned = CliRunner.Run("audit", "detect", Log, "--rules", RulesDir, "--config", config, "-o", "json", "--fail-on", "none");
        Assert.Equal(0, tuned.ExitCode);
        using (var doc = JsonDocument.Parse(tuned.Out))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("alerts").GetArrayLength());
        }

        var wrong = _dir.Write("wrong.yaml", "audit:\n  disable: [clitest-no-such-rule]\n");
        var error = CliRunner.Run("audit", "detect", Log, "--rules", RulesDir, "--config", wrong);
        Assert.Equal(2, error.ExitCode);
        Assert.Contains($"{wrong}:2:13: unknown audit rule 'clitest-no-such-rule'", error.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Follow_Reports_Alerts_From_The_File_Until_Stopped()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        AuditDetectCommand.FollowStopForTests = stop.Token;
        try
        {
            var (code, stdout, stderr) = Detect(Log, "--follow", "-o", "jsonl");
            Assert.True(code == 1, stderr);
            Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            AuditDetectCommand.FollowStopForTests = null;
        }
    }

    [Fact]
    public void Rules_List_Json_Gives_What_The_Audit_Policy_Needs()
    {
        var (code, stdout, stderr) = CliRunner.Run("audit", "rules", "list", "-o", "json", "--rules", RulesDir, "--config", Config);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var rule = doc.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "clitest-secret-delete");
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal("Metadata", rule.GetProperty("level").GetString());
        Assert.Equal(["ResponseComplete"], rule.GetProperty("stages").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["delete"], rule.GetProperty("verbs").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("secrets", rule.GetProperty("resources")[0].GetProperty("resources")[0].GetString());
        Assert.Equal(string.Empty, rule.GetProperty("resources")[0].GetProperty("group").GetString());

        var table = CliRunner.Run("audit", "rules", "list", "--rules", RulesDir, "--config", Config);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("clitest-configmap-read", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_Test_Passes_Good_Fixtures_And_Names_Failing_Events()
    {
        var samples = CliRunner.Run("audit", "rules", "test", DetectionTestKit.SampleRules, "--no-builtin");
        Assert.True(samples.ExitCode == 0, samples.Out + samples.Err);
        Assert.Contains("PASS sample-create-privileged-pod (5 match, 7 nomatch events)", samples.Out, StringComparison.Ordinal);

        _dir.Write("rules/clitest.match.jsonl", "# not split per rule\n");
        var shared = CliRunner.Run("audit", "rules", "test", RulesDir);
        Assert.Equal(1, shared.ExitCode);
        Assert.Contains("rules share this file", shared.Out, StringComparison.Ordinal);

        var own = Path.Combine(_dir.Path, "own");
        _dir.Write("own/secret-delete.yaml", Rules.Split("---\nrule: clitest-configmap-read")[0].TrimEnd().TrimEnd('-'));
        _dir.Write("own/secret-delete.match.jsonl", DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "db") + "\n" +
            DetectionTestKit.Event(verb: "delete", resource: "secrets", name: "x", user: "admin") + "\n");
        _dir.Write("own/secret-delete.nomatch.jsonl", DetectionTestKit.Event(verb: "get", resource: "secrets") + "\n");
        var failing = CliRunner.Run("audit", "rules", "test", own);
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("FAIL clitest-secret-delete", failing.Out, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(own, "secret-delete.match.jsonl")}:2: expected exactly one alert of clitest-secret-delete, got 0", failing.Out, StringComparison.Ordinal);

        _dir.Write("broken/x.yaml", "rule: x\ntitle: T\nseverity: low\ncondition: ka.verb = = get\noutput: x\n");
        var broken = CliRunner.Run("audit", "rules", "test", Path.Combine(_dir.Path, "broken"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("x.yaml:4:", broken.Err, StringComparison.Ordinal);
    }
}
