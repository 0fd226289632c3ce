using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>A failing fixture event (or fixture file, at line 0).</summary>
public sealed record FixtureFailure(string File, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>The fixture check of one rule.</summary>
public sealed record RuleFixtureResult(string Rule, string RuleFile, int MatchEvents, int NoMatchEvents, IReadOnlyList<FixtureFailure> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// Runs rules against their fixtures (docs/audit-rules.md): beside <c>&lt;name&gt;.yaml</c>,
/// <c>&lt;name&gt;.match.jsonl</c> and <c>&lt;name&gt;.nomatch.jsonl</c>. Without <c>aggregate</c>, every match
/// event must raise exactly one alert of the rule and no nomatch event may raise one; a stateful rule replays each
/// file in order, match raising at least one alert and nomatch none. Each file runs on a fresh engine holding only
/// the rule under test (enabled or not), with the pack's lists and macros.
/// </summary>
public static class RuleFixtures
{
    public const string MatchSuffix = ".match.jsonl";
    public const string NoMatchSuffix = ".nomatch.jsonl";

    private static readonly AuditLogOptions FixtureOptions = new() { AllowComments = true };

    /// <summary>The fixture files of a rule file (they may not exist).</summary>
    public static (string Match, string NoMatch) FixturePaths(string ruleFile)
    {
        var dir = Path.GetDirectoryName(ruleFile) ?? ".";
        var name = Path.GetFileNameWithoutExtension(ruleFile);
        return (Path.Combine(dir, name + MatchSuffix), Path.Combine(dir, name + NoMatchSuffix));
    }

    /// <summary>Whether a rule has at least one fixture file.</summary>
    public static bool HasFixtures(RuleDefinition rule)
    {
        if (RulePack.IsBuiltIn(rule.File))
        {
            return false;
        }

        var (match, nomatch) = FixturePaths(rule.File);
        return File.Exists(match) || File.Exists(nomatch);
    }

    /// <summary>Checks one rule of a compiled pack; with <paramref name="requireBoth"/>, a missing fixture file is a failure.</summary>
    public static RuleFixtureResult Run(CompiledPack pack, CompiledRule rule, bool requireBoth)
    {
        var failures = new List<FixtureFailure>();
        var (matchPath, nomatchPath) = FixturePaths(rule.Definition.File);
        var sameFile = pack.Rules.Count(r => r.Definition.File == rule.Definition.File);
        if (sameFile > 1)
        {
            failures.Add(new FixtureFailure(rule.Definition.File, rule.Definition.Line,
                $"{sameFile} rules share this file; fixtures belong to a file that holds one rule"));
            return new RuleFixtureResult(rule.Id, rule.Definition.File, 0, 0, failures);
        }

        var matched = RunFile(pack, rule, matchPath, expectMatch: true, requireBoth, failures);
        var unmatched = RunFile(pack, rule, nomatchPath, expectMatch: false, requireBoth, failures);
        return new RuleFixtureResult(rule.Id, rule.Definition.File, matched, unmatched, failures);
    }

    private static int RunFile(CompiledPack pack, CompiledRule rule, string path, bool expectMatch, bool required, List<FixtureFailure> failures)
    {
        if (!File.Exists(path))
        {
            if (required)
            {
                failures.Add(new FixtureFailure(path, 0, $"missing fixture file for rule {rule.Id}"));
            }

            return 0;
        }

        var engine = DetectionEngine.Create(pack, new DetectionOptions { OnlyRules = new HashSet<string> { rule.Id }, IncludeDisabled = true });
        var stateful = rule.IsStateful;
        var events = 0;
        var totalAlerts = 0;
        var sink = new DelegateRecordSink(
            record =>
            {
                events++;
                var alerts = new List<DetectionAlert>();
                var skippedBefore = engine.Stats.Rules[0].SkippedForMissingFields;
                engine.Process(record, alerts.Add);
                totalAlerts += alerts.Count;
                if (expectMatch && !stateful && alerts.Count != 1)
                {
                    var why = alerts.Count == 0 && engine.Stats.Rules[0].SkippedForMissingFields > skippedBefore
                        ? $" (the event's level is {DetectionEngine.EventLevel(record.Root)}, below the rule's level {rule.Level})"
                        : string.Empty;
                    failures.Add(new FixtureFailure(path, record.Line, $"expected exactly one alert of {rule.Id}, got {alerts.Count}{why}"));
                }
                else if (!expectMatch && alerts.Count > 0)
                {
                    failures.Add(new FixtureFailure(path, record.Line, $"unexpected alert of {rule.Id}: {alerts[0].Message}"));
                }
            },
            error => failures.Add(new FixtureFailure(path, error.Line, $"not an event: {error.Message}")));
        AuditLogReader.ReadFile(path, sink, FixtureOptions);

        if (events == 0)
        {
            failures.Add(new FixtureFailure(path, 0, "no events in the fixture"));
        }
        else if (expectMatch && stateful && totalAlerts == 0)
        {
            failures.Add(new FixtureFailure(path, 0, $"expected at least one alert of the stateful rule {rule.Id} over the file, got none"));
        }

        return events;
    }
}
