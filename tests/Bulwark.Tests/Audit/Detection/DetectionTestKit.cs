using System.Text.Json;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Tests.Audit.Detection;

/// <summary>Builds packs and events for the detection tests.</summary>
internal static class DetectionTestKit
{
    /// <summary>The test folder with Falco's common lists and macros and the sample rules.</summary>
    public static string SampleRules => Path.Combine(Cli.RulesCommandTests.RepoRoot(), "tests", "Bulwark.Tests", "Audit", "Fixtures", "rules");

    public static CompiledPack Compile(string yaml, AuditTuning? tuning = null, string path = "rules.yaml") =>
        CompiledPack.Compile(RulePack.Load([(path, yaml)]), tuning);

    /// <summary>
    /// A pack with one rule <c>t</c> looking at every stage, with the given condition (plus extra documents), declaring
    /// the lowest level its condition needs (so that events of any level at or above it are judged).
    /// </summary>
    public static CompiledPack OneRule(string condition, string extra = "", string output = "x")
    {
        string Yaml(string level) => extra + (extra.Length > 0 ? "\n---\n" : string.Empty) +
            "rule: t\ntitle: T\nseverity: low\nstages: [any]\nlevel: " + level + "\ncondition: |-\n  " + condition +
            "\noutput: |-\n  " + output + "\n";
        var widest = Compile(Yaml("RequestResponse"));
        var needed = widest.Rules.Count == 1 ? widest.Rules[0].Condition.Facts.Level.ToString() : "RequestResponse";
        return Compile(Yaml(needed));
    }

    /// <summary>Whether the condition matches the event (the pack must compile).</summary>
    public static bool Matches(string condition, string eventJson, string extra = "")
    {
        var pack = OneRule(condition, extra);
        Xunit.Assert.True(pack.Errors.Count == 0, string.Join("\n", pack.Errors));
        return Alerts(pack, eventJson).Count == 1;
    }

    public static List<DetectionAlert> Alerts(CompiledPack pack, params string[] events)
    {
        var engine = DetectionEngine.Create(pack, new DetectionOptions { IncludeDisabled = true });
        var alerts = new List<DetectionAlert>();
        var line = 0;
        foreach (var e in events)
        {
            using var doc = JsonDocument.Parse(e);
            engine.Process(new AuditRecord(doc.RootElement, "test.log", ++line), alerts.Add);
        }

        return alerts;
    }

    /// <summary>The rendered output of rule t for an event.</summary>
    public static string Render(string output, string eventJson)
    {
        var pack = OneRule("ka.auditid exists", output: output);
        Xunit.Assert.True(pack.Errors.Count == 0, string.Join("\n", pack.Errors));
        return Alerts(pack, eventJson).Single().Message;
    }

    /// <summary>An audit event; <paramref name="extra"/> is spliced in as more top-level JSON properties.</summary>
    public static string Event(string verb = "get", string resource = "pods", string ns = "shop", string? name = "web", string? subresource = null,
        string user = "alice@example.com", string stage = "ResponseComplete", string level = "Metadata", int code = 200, string extra = "")
    {
        var objectRef = $"\"resource\":\"{resource}\",\"namespace\":\"{ns}\",\"apiVersion\":\"v1\"" +
            (name is null ? string.Empty : $",\"name\":\"{name}\"") + (subresource is null ? string.Empty : $",\"subresource\":\"{subresource}\"");
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"" + level + "\",\"auditID\":\"id-1\",\"stage\":\"" + stage +
            "\",\"requestURI\":\"/api/v1/namespaces/" + ns + "/" + resource + "\",\"verb\":\"" + verb +
            "\",\"user\":{\"username\":\"" + user + "\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.0.0.1\"],\"userAgent\":\"kubectl/v1.31.0\"," +
            "\"objectRef\":{" + objectRef + "},\"responseStatus\":{\"metadata\":{},\"code\":" + code + "}," +
            "\"requestReceivedTimestamp\":\"2025-06-02T10:00:00.000000Z\",\"stageTimestamp\":\"2025-06-02T10:00:00.100000Z\"" +
            (extra.Length > 0 ? "," + extra : string.Empty) + "}";
    }
}
