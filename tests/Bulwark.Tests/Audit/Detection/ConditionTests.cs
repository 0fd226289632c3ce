using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Rules;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>The condition language: Falco's operators and semantics, precedence, macros, lists, and errors with positions.</summary>
public sealed class ConditionTests
{
    private static readonly string Get = Event();

    [Theory]
    [InlineData("ka.verb = get", true)]
    [InlineData("ka.verb == get", true)]
    [InlineData("ka.verb = GET", false)]
    [InlineData("ka.verb != get", false)]
    [InlineData("ka.verb != list", true)]
    [InlineData("ka.user.name contains example", true)]
    [InlineData("ka.user.name contains EXAMPLE", false)]
    [InlineData("ka.user.name icontains EXAMPLE", true)]
    [InlineData("ka.user.name startswith alice", true)]
    [InlineData("ka.user.name startswith example", false)]
    [InlineData("ka.user.name endswith .com", true)]
    [InlineData("ka.uri glob \"/api/v1/namespaces/*/pods\"", true)]
    [InlineData("ka.uri glob \"/api/v?/namespaces/shop/pods\"", true)]
    [InlineData("ka.uri glob \"/api/*/secrets\"", false)]
    [InlineData("ka.verb in (list, get)", true)]
    [InlineData("ka.verb in (list, watch)", false)]
    [InlineData("ka.verb intersects (get)", true)]
    [InlineData("ka.user.name = \"alice@example.com\"", true)]
    [InlineData("ka.user.name = 'alice@example.com'", true)]
    public void Should_Apply_Each_Operator(string condition, bool expected)
    {
        Assert.Equal(expected, Matches(condition, Get));
    }

    [Theory]
    [InlineData("ka.response.code < 300", true)]
    [InlineData("ka.response.code <= 200", true)]
    [InlineData("ka.response.code <= 199", false)]
    [InlineData("ka.response.code >= 200", true)]
    [InlineData("ka.response.code > 1000", false)] // as strings "200" > "1000"; as numbers it is not
    [InlineData("ka.response.code startswith 2", true)]
    [InlineData("ka.response.code = 200", true)]
    public void Should_Compare_Numbers_As_Numbers_And_The_Code_As_A_String(string condition, bool expected)
    {
        Assert.Equal(expected, Matches(condition, Get));
    }

    [Theory]
    [InlineData("ka.impuser.name = bob", false)]
    [InlineData("ka.impuser.name != bob", false)]
    [InlineData("not ka.impuser.name = bob", true)]
    [InlineData("not ka.impuser.name startswith \"system:\"", true)]
    [InlineData("ka.impuser.name exists", false)]
    [InlineData("not ka.impuser.name exists", true)]
    [InlineData("ka.impuser.name in (bob)", false)]
    [InlineData("ka.impuser.name < 5", false)]
    [InlineData("ka.impuser.name glob \"*\"", false)]
    public void A_Comparison_On_A_Missing_Field_Is_False(string condition, bool expected)
    {
        Assert.Equal(expected, Matches(condition, Get));
    }

    [Theory]
    [InlineData("ka.user.groups in (system:authenticated)", false)] // not every group is in the set
    [InlineData("ka.user.groups in (system:authenticated, system:masters, x)", true)]
    [InlineData("ka.user.groups intersects (system:masters)", true)]
    [InlineData("ka.user.groups intersects (x, y)", false)]
    [InlineData("ka.user.groups exists", true)]
    public void List_Fields_Use_Subset_In_And_Intersects(string condition, bool expected)
    {
        var e = Event(extra: "\"impersonatedUser\":{\"username\":\"x\"}").Replace("[\"system:authenticated\"]", "[\"system:authenticated\",\"system:masters\"]", StringComparison.Ordinal);
        Assert.Equal(expected, Matches(condition, e));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData(null)]
    public void An_Empty_Or_Absent_List_Makes_In_And_Intersects_False(string? groups)
    {
        var e = Event().Replace(",\"groups\":[\"system:authenticated\"]", groups is null ? string.Empty : ",\"groups\":" + groups, StringComparison.Ordinal);
        Assert.False(Matches("ka.user.groups in (system:authenticated)", e));
        Assert.False(Matches("ka.user.groups intersects (system:authenticated)", e));
        Assert.False(Matches("ka.user.groups exists", e));
        Assert.True(Matches("not ka.user.groups in (system:authenticated)", e));
    }

    [Fact]
    public void A_List_Name_Expands_Inside_Parentheses_But_Not_When_Quoted()
    {
        const string lists = "list: read_verbs\nitems: [get, list]";
        Assert.True(Matches("ka.verb in (read_verbs)", Get, lists));
        Assert.True(Matches("ka.verb in (watch, read_verbs)", Get, lists));
        Assert.False(Matches("ka.verb in (\"read_verbs\")", Get, lists));
        Assert.True(Matches("ka.verb in (\"read_verbs\")", Event(verb: "read_verbs"), lists));
    }

    [Fact]
    public void A_List_Item_Naming_Another_List_Stands_For_Its_Items()
    {
        const string lists = "list: user_trusted\nitems: [alice@example.com]\n---\nlist: allowed\nitems: [admin, user_trusted]\n---\nlist: loop_a\nitems: [loop_b]\n---\nlist: loop_b\nitems: [loop_a]";
        var pack = OneRule("ka.user.name in (allowed)", lists);
        Assert.Equal(["admin", "alice@example.com"], pack.Lists["allowed"]);
        Assert.Contains(pack.Errors, e => e.Message.Contains("includes itself", StringComparison.Ordinal));
    }

    [Fact]
    public void And_Binds_Tighter_Than_Or_And_Not_Tighter_Than_Both()
    {
        // (false and true) or true = true; with or binding tighter it would be false and (...) = false.
        Assert.True(Matches("ka.verb = list and ka.verb = get or ka.user.name = alice@example.com", Get));

        // (not true) and false = false; not over the whole conjunction would give true.
        Assert.False(Matches("not ka.verb = get and ka.verb = list", Get));
        Assert.True(Matches("not (ka.verb = get and ka.verb = list)", Get));
        Assert.False(Matches("ka.verb = list and (ka.verb = get or ka.user.name = alice@example.com)", Get));
        Assert.True(Matches("not not ka.verb = get", Get));
    }

    [Fact]
    public void Macros_Stand_For_Their_Conditions_Whatever_The_Order_Of_Definition()
    {
        const string macros = "macro: is_get\ncondition: ka.verb = get and not is_list\n---\nmacro: is_list\ncondition: ka.verb = list";
        Assert.True(Matches("is_get", Get, macros));
        Assert.False(Matches("is_list", Get, macros));
        Assert.True(Matches("not is_list and (is_get)", Get, macros));
    }

    [Theory]
    [InlineData("ka.verb = get and ka.nope = 1", 7, 21, "rule 't': unknown field 'ka.nope'")]
    [InlineData("(ka.verb = get", 7, 3, "rule 't': unbalanced parenthesis: this '(' is never closed")]
    [InlineData("ka.verb = get)", 7, 16, "rule 't': unbalanced parenthesis: ')' without '('")]
    [InlineData("kevt and ka.verb = get", 7, 3, "rule 't': unknown macro or field 'kevt'")]
    [InlineData("ka.user.groups = x", 7, 18, "rule 't': operator '=' does not apply to the list field ka.user.groups (use in, intersects or exists)")]
    [InlineData("ka.verb in (get, list", 7, 14, "rule 't': unbalanced parenthesis: this list is never closed")]
    [InlineData("ka.verb in get", 7, 14, "rule 't': 'in' needs a list in parentheses, e.g. in (a, b)")]
    [InlineData("ka.verb = \"get", 7, 13, "rule 't': unterminated quoted string")]
    [InlineData("ka.verb pmatch (x)", 7, 11, "rule 't': operator 'pmatch' is not supported (use =, !=, <, <=, >, >=, contains, icontains, startswith, endswith, glob, in, intersects, exists)")]
    [InlineData("ka.uri.param = x", 7, 3, "rule 't': field ka.uri.param needs a key argument, e.g. ka.uri.param[command]")]
    [InlineData("ka.verb[x] = get", 7, 3, "rule 't': field ka.verb takes no argument")]
    [InlineData("ka.verb = get and", 7, 20, "rule 't': unexpected end of the condition (expected a field, a macro or '(')")]
    public void Errors_Name_The_File_Line_And_Column(string condition, int line, int column, string message)
    {
        var pack = OneRule(condition);
        var error = Assert.Single(pack.Errors);
        Assert.Equal($"rules.yaml:{line}:{column}: {message}", error.ToString());
        Assert.Empty(pack.Rules);
    }

    [Fact]
    public void Errors_In_Folded_Conditions_Point_Into_The_Right_Line()
    {
        const string yaml = """
            rule: folded
            title: T
            severity: low
            condition: >-
              ka.verb = get
                and ka.bogus = x
            output: x
            """;
        var error = Assert.Single(Compile(yaml).Errors);
        Assert.Equal("rules.yaml:6:9: rule 'folded': unknown field 'ka.bogus'", error.ToString());
    }

    [Fact]
    public void Errors_In_Plain_And_Quoted_Conditions_Point_At_The_Column()
    {
        var plain = Assert.Single(Compile("rule: p\ntitle: T\nseverity: low\ncondition: ka.verb = get and nope.x = 1\noutput: x\n").Errors);
        Assert.Equal("rules.yaml:4:30: rule 'p': unknown field 'nope.x'", plain.ToString());
        var quoted = Assert.Single(Compile("rule: q\ntitle: T\nseverity: low\ncondition: \"ka.verb = get and nope.x = 1\"\noutput: x\n").Errors);
        Assert.Equal("rules.yaml:4:31: rule 'q': unknown field 'nope.x'", quoted.ToString());
    }

    [Fact]
    public void A_Macro_That_Refers_To_Itself_Is_An_Error_At_The_Macro()
    {
        var pack = OneRule("loop_a", "macro: loop_a\ncondition: ka.verb = get or loop_b\n---\nmacro: loop_b\ncondition: loop_a");
        Assert.Contains(pack.Errors, e => e.Message.Contains("refers to itself", StringComparison.Ordinal));
        Assert.Empty(pack.Rules);
    }

    [Fact]
    public void A_List_Used_As_A_Macro_Gets_A_Hint()
    {
        var pack = OneRule("read_verbs", "list: read_verbs\nitems: [get]");
        Assert.Contains("is a list: use it inside parentheses", Assert.Single(pack.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Index_Knows_Stages_Verbs_Resources_And_Subresources_From_Conditions_And_Macros()
    {
        const string yaml = """
            list: stages
            items: [ResponseComplete]
            ---
            macro: kevt
            condition: (jevt.value[/stage] in (stages))
            ---
            macro: pod
            condition: ka.target.resource = pods and not ka.target.subresource exists
            ---
            rule: pods-created
            title: T
            severity: low
            stages: [any]
            condition: kevt and pod and ka.verb in (create, update)
            output: x
            ---
            rule: either
            title: T
            severity: low
            condition: (ka.verb = get and ka.target.resource = secrets) or (ka.verb = list and ka.target.resource = configmaps)
            output: x
            ---
            rule: negated
            title: T
            severity: low
            condition: not ka.verb = get
            output: x
            """;
        var pack = Compile(yaml);
        Assert.Empty(pack.Errors);
        var pods = pack.Find("pods-created")!;
        Assert.Equal(["ResponseComplete"], pods.Stages!);
        Assert.Equal(["create", "update"], pods.Verbs!.Order());
        Assert.Equal(["pods"], pods.Resources!);
        Assert.Equal([Bulwark.Audit.Detection.Conditions.ConditionFacts.Absent], pods.Subresources!);
        var either = pack.Find("either")!;
        Assert.Equal(["get", "list"], either.Verbs!.Order());
        Assert.Equal(["configmaps", "secrets"], either.Resources!.Order());
        var negated = pack.Find("negated")!;
        Assert.Null(negated.Verbs);
        Assert.Equal(["ResponseComplete"], negated.Stages!);

        // And the index gives the same answers as running every rule.
        var events = new[]
        {
            Event(verb: "create"), Event(verb: "create", subresource: "exec"), Event(verb: "create", stage: "RequestReceived"),
            Event(verb: "get", resource: "secrets"), Event(verb: "list", resource: "configmaps"), Event(verb: "get", resource: "configmaps"),
        };
        var fired = events.Select(e => string.Join(",", Alerts(pack, e).Select(a => a.RuleId).Order())).ToList();
        Assert.Equal(["negated,pods-created", "negated", string.Empty, "either", "either,negated", string.Empty], fired);
    }

    [Fact]
    public void A_Rule_Whose_Stages_Exclude_Its_Condition_Is_An_Error()
    {
        var error = Assert.Single(Compile("rule: never\ntitle: T\nseverity: low\nstages: [ResponseComplete]\ncondition: ka.stage = ResponseStarted\noutput: x\n").Errors);
        Assert.Contains("could never fire", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_Replaces_Fields_Joins_Lists_And_Marks_Missing_Values()
    {
        Assert.Equal("alice@example.com did get on shop/web.", Render("%ka.user.name did %ka.verb on %ka.target.namespace/%ka.target.name.", Get));
        Assert.Equal("groups=system:authenticated imp=<NA> 100%", Render("groups=%ka.user.groups imp=%ka.impuser.name 100%%", Get));
        Assert.Equal("code 200 at /objectRef/name=web", Render("code %ka.response.code at /objectRef/name=%jevt.value[/objectRef/name]", Get));
    }

    [Fact]
    public void An_Unknown_Field_In_The_Output_Is_An_Error()
    {
        var error = Assert.Single(OneRule("ka.verb = get", output: "by %ka.user.nam").Errors);
        Assert.Equal("rules.yaml:9:6: rule 't': unknown field '%ka.user.nam' in the output", error.ToString());
    }

    [Fact]
    public void Exceptions_Suppress_And_Are_Counted()
    {
        const string yaml = """
            rule: t
            title: T
            severity: low
            condition: ka.verb = get
            exceptions:
              - name: alice
                condition: ka.user.name = alice@example.com
            output: x
            """;
        var pack = Compile(yaml);
        Assert.Empty(pack.Errors);
        var engine = DetectionEngine.Create(pack);
        var alerts = new List<DetectionAlert>();
        foreach (var e in new[] { Get, Event(user: "bob") })
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e);
            engine.Process(new Bulwark.Audit.Detection.Reading.AuditRecord(doc.RootElement, "x", 1), alerts.Add);
        }

        Assert.Equal("bob", Assert.Single(alerts).Event.Username);
        Assert.Equal(new RuleStats("t", 1, 0, 1), Assert.Single(engine.Stats.Rules));
    }
}
