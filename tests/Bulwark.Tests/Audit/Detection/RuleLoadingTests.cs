using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Findings;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>Rule files: the strict schema, positions of errors, duplicates, and a bad file never hiding the others.</summary>
public sealed class RuleLoadingTests
{
    private const string Full = """
        rule: create-privileged-pod
        title: Privileged pod created
        severity: high
        controls: [POD-11, RUN-1]
        description: A privileged container has every capability.
        enabled: false
        stages: [ResponseComplete, ResponseStarted]
        level: Request
        resources:
          - {group: "", resources: [pods]}
          - {group: apps, resources: [deployments], resourceNames: [web]}
        verbs: [create]
        condition: ka.verb = create and ka.req.pod.containers.privileged intersects (true)
        exceptions:
          - name: trusted
            condition: ka.req.pod.containers.image.repository in (falco)
        output: privileged pod by %ka.user.name
        equivalents: ["falco:Create Privileged Pod", "panther:Kubernetes.Pod.Privileged.Created"]
        aggregate: {by: [ka.user.name], window: 1h30m, threshold: 2, distinct: ka.target.name}
        """;

    [Fact]
    public void Should_Read_Every_Key_Of_A_Rule()
    {
        var pack = Bulwark.Audit.Detection.Rules.RulePack.Load([("r.yaml", Full)]);
        Assert.Empty(pack.Errors);
        var r = Assert.Single(pack.Rules);
        Assert.Equal(("create-privileged-pod", "Privileged pod created", Severity.High), (r.Id, r.Title, r.Severity));
        Assert.Equal(["POD-11", "RUN-1"], r.Controls);
        Assert.False(r.Enabled);
        Assert.Equal(["ResponseComplete", "ResponseStarted"], r.Stages);
        Assert.Equal(AuditLevel.Request, r.Level);
        Assert.Equal(2, r.Resources.Count);
        Assert.Equal(("apps", "deployments", "web"), (r.Resources[1].Group, Assert.Single(r.Resources[1].Resources), Assert.Single(r.Resources[1].ResourceNames)));
        Assert.Equal(string.Empty, r.Resources[0].Group);
        Assert.Equal(["create"], r.Verbs);
        Assert.Equal("trusted", Assert.Single(r.Exceptions).Name);
        Assert.Equal(["falco:Create Privileged Pod", "panther:Kubernetes.Pod.Privileged.Created"], r.Equivalents);
        Assert.Equal(TimeSpan.FromMinutes(90), r.Aggregate!.Window);
        Assert.Equal((2, "ka.target.name"), (r.Aggregate.Threshold, r.Aggregate.Distinct));
        Assert.Equal(("r.yaml", 1), (r.File, r.Line));

        var compiled = CompiledPack.Compile(pack);
        Assert.Empty(compiled.Errors);
        Assert.False(Assert.Single(compiled.Rules).Enabled);
    }

    [Fact]
    public void Defaults_Are_ResponseComplete_Metadata_And_Enabled()
    {
        var r = Assert.Single(Bulwark.Audit.Detection.Rules.RulePack.Load([("r.yaml", "rule: x\ntitle: X\nseverity: info\ncondition: ka.verb = get\noutput: x")]).Rules);
        Assert.Equal((true, AuditLevel.Metadata, false), (r.Enabled, r.Level, r.AnyStages));
        Assert.Equal(["ResponseComplete"], r.Stages);
        Assert.Empty(r.Controls);
    }

    [Theory]
    [InlineData("rule: Bad_Id\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x", "r.yaml:1:7: rule id 'Bad_Id' must be kebab-case ([a-z0-9-]+) and at most 63 characters")]
    [InlineData("rule: x\ntitle: T\nseverity: severe\ncondition: ka.verb = get\noutput: x", "r.yaml:3:11: unknown severity 'severe' (expected critical, high, medium, low, info)")]
    [InlineData("rule: x\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x\npriority: WARNING", "r.yaml:6:1: unknown key 'priority' in a rule (expected rule, title, severity, controls, description, enabled, stages, level, resources, verbs, condition, exceptions, output, equivalents, aggregate)")]
    [InlineData("rule: x\ntitle: T\nseverity: low\ncondition: ka.verb = get", "r.yaml:1:1: rule 'x' needs an output")]
    [InlineData("rule: x\ntitle: T\nseverity: low\ncontrols: [POD-99]\ncondition: ka.verb = get\noutput: x", "r.yaml:4:12: unknown control 'POD-99' (see CONTROLS.md)")]
    [InlineData("rule: x\ntitle: T\nseverity: low\nstages: [Done]\ncondition: ka.verb = get\noutput: x", "r.yaml:4:10: unknown stage 'Done' (expected RequestReceived, ResponseStarted, ResponseComplete, Panic or any)")]
    [InlineData("rule: x\ntitle: T\nseverity: low\nlevel: Full\ncondition: ka.verb = get\noutput: x", "r.yaml:4:8: unknown level 'Full' (expected Metadata, Request or RequestResponse)")]
    [InlineData("rule: x\ntitle: T\nseverity: low\nenabled: maybe\ncondition: ka.verb = get\noutput: x", "r.yaml:4:10: enabled must be true or false")]
    [InlineData("rule: x\ntitle: T\nseverity: low\nequivalents: [Create Privileged Pod]\ncondition: ka.verb = get\noutput: x", "r.yaml:4:15: equivalent 'Create Privileged Pod' must be written source:name (for example \"falco:Create Privileged Pod\")")]
    [InlineData("rule: x\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x\naggregate: {window: 10 minutes, threshold: 3}", "r.yaml:6:21: window '10 minutes' must be a duration like 30s, 10m or 1h")]
    [InlineData("rule: x\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x\naggregate: {window: 10m, threshold: 0}", "r.yaml:6:37: threshold must be an integer from 1 to 100000")]
    [InlineData("list: Bad-Name\nitems: [a]", "r.yaml:1:7: list name 'Bad-Name' must be lower-case letters, digits and '_'")]
    [InlineData("list: x\nitems: a", "r.yaml:2:8: expected a list")]
    [InlineData("macro: m\ncondition: ka.verb = get\nitems: [a]", "r.yaml:3:1: unknown key 'items' in a macro (expected macro, condition)")]
    [InlineData("rule: x\nmacro: y", "r.yaml:1:1: a document defines one thing, not several (macro, rule)")]
    [InlineData("title: nothing", "r.yaml:1:1: a document must have exactly one of the keys list, macro or rule")]
    public void Schema_Errors_Name_The_File_Line_And_Column(string yaml, string expected)
    {
        var pack = Bulwark.Audit.Detection.Rules.RulePack.Load([("r.yaml", yaml)]);
        Assert.Equal(expected, Assert.Single(pack.Errors).ToString());
        Assert.Empty(pack.Rules);
    }

    [Fact]
    public void A_Yaml_Syntax_Error_Is_One_Error_With_A_Position()
    {
        var pack = Bulwark.Audit.Detection.Rules.RulePack.Load([("r.yaml", "rule: x\ntitle: [")]);
        var error = Assert.Single(pack.Errors);
        Assert.Equal("r.yaml", error.File);
        Assert.True(error.Line > 0);
        Assert.StartsWith("YAML syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_File_With_An_Error_Loses_Its_Rules_And_The_Others_Keep_Theirs()
    {
        const string good = "rule: good\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x";
        const string bad = "rule: fine-but-beside-a-broken-one\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: x\n---\nrule: broken\ntitle: T\nseverity: low\ncondition: ka.verb = get and (\noutput: x";
        var pack = CompiledPack.Compile(Bulwark.Audit.Detection.Rules.RulePack.Load([("a.yaml", good), ("b.yaml", bad)]));

        Assert.Equal(["good"], pack.Rules.Select(r => r.Id));
        Assert.Equal("b.yaml:10:31: rule 'broken': unexpected end of the condition (expected a field, a macro or '(')", Assert.Single(pack.Errors).ToString());
    }

    [Fact]
    public void Defining_A_Name_Twice_Is_An_Error_At_The_Second_Definition()
    {
        var builtIn = Bulwark.Audit.Detection.Rules.RulePack.Load([("builtin:lists.yaml", "list: admins\nitems: [a]\n---\nmacro: m\ncondition: ka.verb = get\n---\nrule: r\ntitle: T\nseverity: low\ncondition: m\noutput: x")]);
        var user = Bulwark.Audit.Detection.Rules.RulePack.Load([("mine/x.yaml", "list: admins\nitems: [b]"), ("mine/y.yaml", "macro: m\ncondition: ka.verb = list"), ("mine/z.yaml", "rule: r\ntitle: T\nseverity: low\ncondition: ka.verb = get\noutput: y")]);
        var pack = builtIn.With(user);

        Assert.Equal(
        [
            "mine/x.yaml:1:1: list 'admins' is already defined at builtin:lists.yaml:1 (tune lists in .bulwark.yaml under audit.lists)",
            "mine/y.yaml:1:1: macro 'm' is already defined at builtin:lists.yaml:4 (tune macros in .bulwark.yaml under audit.macros)",
            "mine/z.yaml:1:1: rule 'r' is already defined at builtin:lists.yaml:7",
        ], pack.Errors.Select(e => e.ToString()));
        Assert.Single(pack.Rules);
    }

    [Fact]
    public void A_Rule_Reading_Bodies_Must_Declare_The_Level_That_Carries_Them()
    {
        var pack = Compile("rule: x\ntitle: T\nseverity: low\ncondition: ka.req.pod.host_network = true\noutput: x");
        Assert.Equal("rules.yaml:4:12: rule 'x': the condition reads fields that events only carry at the Request level (request or response bodies), but the rule declares level: Metadata; set level: Request",
            Assert.Single(pack.Errors).ToString());

        var exception = Compile("rule: x\ntitle: T\nseverity: low\nlevel: Request\ncondition: ka.verb = create\nexceptions:\n  - name: e\n    condition: ka.resp.name = x\noutput: x");
        Assert.Contains("the RequestResponse level", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);

        var pointer = Compile("rule: x\ntitle: T\nseverity: low\ncondition: jevt.value[/requestObject/spec/type] = NodePort\noutput: x");
        Assert.Contains("the Request level", Assert.Single(pointer.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_Below_A_Rules_Level_Are_Skipped_And_Counted()
    {
        var pack = Compile("rule: x\ntitle: T\nseverity: low\nlevel: Request\ncondition: ka.verb = create and ka.target.resource = pods and ka.req.pod.host_network = true\noutput: x");
        var engine = DetectionEngine.Create(pack);
        var alerts = new List<DetectionAlert>();
        foreach (var e in new[]
        {
            Event(verb: "create", level: "Metadata"),
            Event(verb: "create", level: "Request", extra: "\"requestObject\":{\"spec\":{\"hostNetwork\":true}}"),
            Event(verb: "create", level: "Metadata", resource: "services"),
            Event(verb: "create", extra: "\"requestObject\":{\"spec\":{\"hostNetwork\":true}}").Replace("\"level\":\"Metadata\",", string.Empty, StringComparison.Ordinal),
        })
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e);
            engine.Process(new Bulwark.Audit.Detection.Reading.AuditRecord(doc.RootElement, "x", 1), alerts.Add);
        }

        // The first is skipped (Metadata), the second and the fourth (no level field, but a body) match; services never ran the rule.
        Assert.Equal(2, alerts.Count);
        Assert.Equal(new RuleStats("x", 2, 1, 0), Assert.Single(engine.Stats.Rules));
    }

    [Fact]
    public void The_Built_In_Pack_Is_Embedded_From_The_Source_Folder_Without_Fixtures()
    {
        var folder = Path.Combine(Cli.RulesCommandTests.RepoRoot(), "src", "Bulwark", "Audit", "DetectionRules");
        var source = Directory.Exists(folder) ? Bulwark.Audit.Detection.Rules.RulePack.LoadFolder(folder) : Bulwark.Audit.Detection.Rules.RulePack.Empty;
        var embedded = Bulwark.Audit.Detection.Rules.RulePack.BuiltIn;

        Assert.Empty(embedded.Errors);
        Assert.Equal(source.Rules.Select(r => r.Id).Order(), embedded.Rules.Select(r => r.Id).Order());
        Assert.Equal(source.Lists.Select(r => r.Name).Order(), embedded.Lists.Select(r => r.Name).Order());
        Assert.All(embedded.Files, f => Assert.StartsWith("builtin:", f, StringComparison.Ordinal));
        Assert.DoesNotContain(typeof(Bulwark.Audit.Detection.Rules.RulePack).Assembly.GetManifestResourceNames(), n => n.EndsWith(".jsonl", StringComparison.Ordinal));
        Assert.Empty(CompiledPack.Compile(embedded).Errors);
    }

    [Fact]
    public void The_Examples_Of_The_Format_Document_Load()
    {
        var doc = File.ReadAllText(Path.Combine(Cli.RulesCommandTests.RepoRoot(), "docs", "audit-rules.md"));
        string Block(string heading)
        {
            var at = doc.IndexOf(heading, StringComparison.Ordinal);
            var start = doc.IndexOf("```yaml\n", at, StringComparison.Ordinal) + "```yaml\n".Length;
            return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        }

        const string Context = """
            list: k8s_audit_privileged_images
            items: [falcosecurity/falco]
            ---
            list: allowed_k8s_users
            items: [admin]
            ---
            list: oncall_users
            items: [alice]
            ---
            macro: kcreate
            condition: ka.verb = create
            ---
            macro: pod
            condition: ka.target.resource = pods and not ka.target.subresource exists
            ---
            macro: user_known_exec_pod_activities
            condition: ka.user.name = nobody
            ---
            rule: full-k8s-administrative-access
            title: T
            severity: low
            enabled: false
            condition: ka.verb = get
            output: x
            ---
            rule: k8s-secret-get-successfully
            title: T
            severity: low
            condition: ka.verb = get
            output: x
            """;
        var files = Bulwark.Audit.Detection.Rules.RulePack.Load([("context.yaml", Context), ("rule.yaml", Block("## A rule"))]);
        var files2 = Bulwark.Audit.Detection.Rules.RulePack.Load([("files.yaml", Block("## Files in a rules folder").Replace("rule: create-privileged-pod          # a detection rule (fields below)\n...", string.Empty, StringComparison.Ordinal))]);
        var tuning = Bulwark.Config.ConfigLoader.Parse(Block("## Tuning in `.bulwark.yaml`"), ".bulwark.yaml", Bulwark.Rules.RuleCatalog.BuiltIn).Audit;
        var pack = CompiledPack.Compile(files, tuning);

        Assert.True(pack.Errors.Count == 0, string.Join("\n", pack.Errors));
        Assert.Equal(["create-privileged-pod", "full-k8s-administrative-access"], pack.EnabledRules.Select(r => r.Id).Order());
        Assert.Equal(["admin", "alice@example.com", "ci-deployer"], pack.Lists["allowed_k8s_users"]);
        Assert.Empty(files2.Errors);
        Assert.Equal(["sensitive_mount_paths"], files2.Lists.Select(l => l.Name));
        Assert.Equal(["pod_created"], files2.Macros.Select(m => m.Name));
    }
}
