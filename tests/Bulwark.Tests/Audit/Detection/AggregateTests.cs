using Bulwark.Audit.Detection.Engine;
using Xunit;
using static Bulwark.Tests.Audit.Detection.DetectionTestKit;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>Stateful rules: counting in a sliding window of event time, distinct values, bounded groups.</summary>
public sealed class AggregateTests
{
    private static string At(string user, string name, string time, string verb = "get") =>
        Event(verb: verb, resource: "secrets", name: name, user: user).Replace("2025-06-02T10:00:00.100000Z", time, StringComparison.Ordinal);

    private static CompiledPack Burst(string aggregate) => Compile(
        "rule: burst\ntitle: T\nseverity: high\ncondition: ka.verb = get and ka.target.resource = secrets\noutput: '%ka.user.name'\naggregate: " + aggregate);

    [Fact]
    public void Counts_Events_Per_Group_In_The_Window_And_Starts_Afresh_After_Alerting()
    {
        var pack = Burst("{by: [ka.user.name], window: 1m, threshold: 3}");
        Assert.Empty(pack.Errors);
        var alerts = Alerts(pack,
            At("a", "s1", "2025-06-02T10:00:00Z"),
            At("a", "s1", "2025-06-02T10:00:20Z"),
            At("b", "s1", "2025-06-02T10:00:30Z"),
            At("a", "s1", "2025-06-02T10:00:40Z"), // a's third within a minute: alert
            At("a", "s1", "2025-06-02T10:00:41Z"),
            At("a", "s1", "2025-06-02T10:00:42Z"),
            At("a", "s1", "2025-06-02T10:05:00Z"), // the two before are out of the window
            At("a", "s1", "2025-06-02T10:05:10Z"),
            At("a", "s1", "2025-06-02T10:05:20Z")); // third of a new run: alert
        Assert.Equal([4L, 9L], alerts.Select(a => a.Line));
        Assert.All(alerts, a => Assert.Equal("a", a.Message));
    }

    [Fact]
    public void Distinct_Counts_Different_Values_Only()
    {
        var pack = Burst("{by: [ka.user.name], window: 10m, threshold: 3, distinct: ka.target.name}");
        var alerts = Alerts(pack,
            At("a", "s1", "2025-06-02T10:00:00Z"),
            At("a", "s1", "2025-06-02T10:01:00Z"),
            At("a", "s2", "2025-06-02T10:02:00Z"),
            At("a", "s2", "2025-06-02T10:03:00Z"),
            At("a", "s3", "2025-06-02T10:04:00Z")); // the third distinct name
        Assert.Equal(5L, Assert.Single(alerts).Line);
    }

    [Fact]
    public void A_Repeated_Value_Refreshes_Its_Time()
    {
        var pack = Burst("{by: [ka.user.name], window: 10m, threshold: 3, distinct: ka.target.name}");
        var alerts = Alerts(pack,
            At("a", "s1", "2025-06-02T10:00:00Z"),
            At("a", "s2", "2025-06-02T10:01:00Z"),
            At("a", "s1", "2025-06-02T10:09:00Z"), // s1 seen again: still in the window at 10:15
            At("a", "s3", "2025-06-02T10:15:00Z")); // s2 (10:01) has expired; s1 (10:09) and s3: two
        Assert.Empty(alerts);
    }

    [Fact]
    public void Memory_Is_Bounded_To_The_Most_Recent_Groups()
    {
        var aggregator = new Aggregator(TimeSpan.FromHours(1), threshold: 2, distinct: false, maxGroups: 3);
        Assert.False(aggregator.Add("u1", 1, null));
        Assert.False(aggregator.Add("u2", 2, null));
        Assert.False(aggregator.Add("u3", 3, null));
        Assert.True(aggregator.Add("u1", 4, null)); // u1 reaches 2: alerts (and is now the most recent)
        Assert.False(aggregator.Add("u4", 5, null)); // evicts u2, the least recently seen
        Assert.Equal(3, aggregator.GroupCount);
        Assert.False(aggregator.Add("u2", 6, null)); // u2 starts again from zero
        Assert.True(aggregator.Add("u2", 7, null));
        Assert.Equal(3, aggregator.GroupCount);
    }

    [Fact]
    public void The_Engine_Tracks_At_Most_Ten_Thousand_Groups_Per_Rule()
    {
        Assert.Equal(10_000, Aggregator.MaxGroups);
        var pack = Burst("{by: [ka.user.name], window: 1h, threshold: 2}");
        var engine = DetectionEngine.Create(pack, new DetectionOptions { MaxGroups = 100 });
        var alerts = 0;
        for (var i = 0; i < 1000; i++)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(At("user-" + i, "s", "2025-06-02T10:00:00Z"));
            alerts += engine.Process(new Bulwark.Audit.Detection.Reading.AuditRecord(doc.RootElement, "x", i + 1), _ => { });
        }

        // user-0 was dropped long ago: its second event starts a new count.
        using var again = System.Text.Json.JsonDocument.Parse(At("user-0", "s", "2025-06-02T10:00:01Z"));
        alerts += engine.Process(new Bulwark.Audit.Detection.Reading.AuditRecord(again.RootElement, "x", 1001), _ => { });
        using var last = System.Text.Json.JsonDocument.Parse(At("user-999", "s", "2025-06-02T10:00:01Z"));
        alerts += engine.Process(new Bulwark.Audit.Detection.Reading.AuditRecord(last.RootElement, "x", 1002), _ => { });
        Assert.Equal(1, alerts);
    }
}
