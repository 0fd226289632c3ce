using Bulwark.Audit.Detection.Engine;
using Bulwark.Config;
using Bulwark.Rules;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>The audit: section of .bulwark.yaml: lists appended or replaced, macros replaced, rules switched; unknown names are errors.</summary>
public sealed class TuningTests
{
    private const string Pack = """
        list: allowed_users
        items: [admin, kube]
        ---
        macro: user_known_activity
        condition: ka.verb = watch
        ---
        rule: disallowed-user
        title: T
        severity: medium
        condition: not ka.user.name in (allowed_users) and not user_known_activity
        output: '%ka.user.name'
        ---
        rule: off-by-default
        title: T
        severity: low
        enabled: false
        condition: ka.verb = get
        output: x
        """;

    private static BulwarkConfig Config(string yaml) => ConfigLoader.Parse(yaml, ".bulwark.yaml", RuleCatalog.BuiltIn);

    /// <summary>For each event, the rules that fire (comma-separated).</summary>
    private static List<string> Fired(CompiledPack pack, params string[] events) =>
        events.Select(e => string.Join(",", Alerts(pack, e).Where(a => a.Rule.Enabled).Select(a => a.RuleId))).ToList();

    [Fact]
    public void Without_Tuning_The_Pack_Runs_As_Written()
    {
        var pack = Compile(Pack);
        Assert.Empty(pack.Errors);
        Assert.Equal(["disallowed-user", string.Empty, string.Empty], Fired(pack, Event(user: "alice"), Event(user: "admin"), Event(user: "alice", verb: "watch")));
    }

    [Fact]
    public void Lists_Are_Appended_Or_Replaced()
    {
        var appended = Compile(Pack, Config("audit:\n  lists:\n    allowed_users: {append: [alice]}\n").Audit);
        Assert.Empty(appended.Errors);
        Assert.Equal(["admin", "kube", "alice"], appended.Lists["allowed_users"]);
        Assert.Equal([string.Empty, string.Empty, "disallowed-user"], Fired(appended, Event(user: "alice"), Event(user: "admin"), Event(user: "bob")));

        var replaced = Compile(Pack, Config("audit:\n  lists:\n    allowed_users: {replace: [alice]}\n").Audit);
        Assert.Equal([string.Empty, "disallowed-user"], Fired(replaced, Event(user: "alice"), Event(user: "admin")));
    }

    [Fact]
    public void Macros_Are_Replaced()
    {
        var tuned = Compile(Pack, Config("audit:\n  macros:\n    user_known_activity: {replace: \"ka.user.name startswith ci-\"}\n").Audit);
        Assert.Empty(tuned.Errors);
        Assert.Equal([string.Empty, "disallowed-user"], Fired(tuned, Event(user: "ci-deployer"), Event(user: "alice", verb: "watch")));
    }

    [Fact]
    public void Rules_Are_Enabled_And_Disabled()
    {
        var tuned = Compile(Pack, Config("audit:\n  enable: [off-by-default]\n  disable: [disallowed-user]\n").Audit);
        Assert.Empty(tuned.Errors);
        Assert.Equal(["off-by-default"], tuned.EnabledRules.Select(r => r.Id));
        Assert.Equal(["off-by-default"], Fired(tuned, Event(user: "alice")));
    }

    [Fact]
    public void Unknown_Names_Are_Errors_With_The_File_And_Line()
    {
        const string yaml = """
            audit:
              lists:
                allowed_userz: {append: [alice]}
              macros:
                nope: {replace: "ka.verb = get"}
              enable: [no-such-rule]
              disable: [disallowed-user]
            """;
        var tuned = Compile(Pack, Config(yaml).Audit);
        Assert.Equal(
        [
            ".bulwark.yaml:3:5: unknown list 'allowed_userz' in audit.lists (see `bulwark audit rules list`)",
            ".bulwark.yaml:5:5: unknown macro 'nope' in audit.macros",
            ".bulwark.yaml:6:12: unknown audit rule 'no-such-rule' (see `bulwark audit rules list`)",
        ], tuned.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_Bad_Replacement_Macro_Is_Reported_In_The_Config_File()
    {
        var tuned = Compile(Pack, Config("audit:\n  macros:\n    user_known_activity: {replace: \"ka.verb = get and ka.nope = 1\"}\n").Audit);
        var first = tuned.Errors[0].ToString();
        Assert.Equal(".bulwark.yaml:3:55: macro 'user_known_activity': unknown field 'ka.nope'", first);
    }

    [Theory]
    [InlineData("audit:\n  lists:\n    x: [a]\n", ".bulwark.yaml:3:8: audit.lists.x must be {append: [...]} or {replace: [...]}")]
    [InlineData("audit:\n  lists:\n    x: {add: [a]}\n", ".bulwark.yaml:3:8: audit.lists.x must have exactly one key, append or replace")]
    [InlineData("audit:\n  macros:\n    m: {append: x}\n", ".bulwark.yaml:3:8: audit.macros.m must have exactly one key, replace")]
    [InlineData("audit:\n  rules: [x]\n", ".bulwark.yaml:2:3: unknown key 'rules' under audit (expected lists, macros, enable, disable)")]
    [InlineData("audit:\n  enable: x\n", ".bulwark.yaml:2:11: audit.enable must be a list of rule ids")]
    [InlineData("audit:\n  enable: [a]\n  disable: [a]\n", ".bulwark.yaml:3:13: rule 'a' is both enabled (line 2) and disabled")]
    public void Malformed_Tuning_Is_A_Config_Error(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Config(yaml));
        Assert.Equal(expected, e.Message);
    }
}
