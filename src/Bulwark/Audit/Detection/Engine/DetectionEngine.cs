using System.Globalization;
using System.Text.Json;
using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>Which rules an engine runs.</summary>
public sealed record DetectionOptions
{
    public static readonly DetectionOptions Default = new();

    /// <summary>Run only these rules (null: every enabled rule).</summary>
    public IReadOnlySet<string>? OnlyRules { get; init; }

    /// <summary>Also run rules that are disabled (fixture tests run every rule they test).</summary>
    public bool IncludeDisabled { get; init; }

    /// <summary>Groups tracked per stateful rule.</summary>
    public int MaxGroups { get; init; } = Aggregator.MaxGroups;
}

/// <summary>
/// Runs detection rules over audit events. Per event: the stage, verb, resource and subresource pick the candidate rules from an
/// index; a candidate whose level is above the event's is skipped and counted ("skipped for missing fields"); then
/// the condition, the exceptions and, for stateful rules, the aggregation decide. Field values are extracted lazily
/// and cached per event. Single-threaded: use one engine per thread.
/// </summary>
public sealed class DetectionEngine : IAuditRecordSink
{
    private readonly CompiledRule[] _rules;
    private readonly RuleIndex _index;
    private readonly EvalContext _context;
    private readonly Aggregator?[] _aggregators;
    private readonly FieldRef _stage;
    private readonly FieldRef _verb;
    private readonly FieldRef _resource;
    private readonly FieldRef _subresource;
    private readonly FieldRef _time;
    private readonly ValueInterner _stages = new();
    private readonly ValueInterner _verbs = new();
    private readonly ValueInterner _resources = new();
    private readonly ValueInterner _subresources = new();
    private long _lastTicks;
    private Action<DetectionAlert>? _sink;

    private DetectionEngine(CompiledPack pack, DetectionOptions options)
    {
        Pack = pack;
        _rules = pack.Rules
            .Where(r => (r.Enabled || options.IncludeDisabled) && (options.OnlyRules is null || options.OnlyRules.Contains(r.Id)))
            .ToArray();
        _index = new RuleIndex(_rules);
        _stage = pack.Fields.Get("ka.stage");
        _verb = pack.Fields.Get("ka.verb");
        _resource = pack.Fields.Get("ka.target.resource");
        _subresource = pack.Fields.Get("ka.target.subresource");
        _time = pack.Fields.Get("ka.time");
        _context = new EvalContext(pack.Fields);
        _aggregators = new Aggregator?[pack.Rules.Count];
        foreach (var r in _rules)
        {
            if (r.Definition.Aggregate is { } a)
            {
                _aggregators[r.Index] = new Aggregator(a.Window, a.Threshold, a.Distinct is not null, options.MaxGroups);
            }
        }

        Stats = new DetectionStats(_rules, pack.Rules.Count);
    }

    /// <summary>Compiles a pack with tuning and creates an engine for its enabled rules. Check <see cref="Errors"/>.</summary>
    public static DetectionEngine Create(RulePack pack, AuditTuning? tuning = null, DetectionOptions? options = null) =>
        new(CompiledPack.Compile(pack, tuning), options ?? DetectionOptions.Default);

    /// <summary>Compiles a pack with the audit tuning of a loaded .bulwark.yaml.</summary>
    public static DetectionEngine Create(RulePack pack, Config.BulwarkConfig config, DetectionOptions? options = null) =>
        Create(pack, config.Audit, options);

    /// <summary>An engine over an already compiled pack (cheap: many engines can share one pack).</summary>
    public static DetectionEngine Create(CompiledPack pack, DetectionOptions? options = null) => new(pack, options ?? DetectionOptions.Default);

    public CompiledPack Pack { get; }

    /// <summary>Errors of the rules and the tuning (the rules that compiled run anyway).</summary>
    public IReadOnlyList<RuleLoadError> Errors => Pack.Errors;

    /// <summary>The rules this engine runs.</summary>
    public IReadOnlyList<CompiledRule> Rules => _rules;

    public DetectionStats Stats { get; }

    /// <summary>Judges one event; alerts go to <paramref name="onAlert"/>. Returns the number of alerts.</summary>
    public int Process(in AuditRecord record, Action<DetectionAlert> onAlert)
    {
        var ctx = _context;
        var root = record.Root;
        ctx.Reset(root);
        Stats.Events++;

        // The index keys, read once per event without allocating, and handed to the field cache.
        var stage = ctx.Set(_stage, _stages.Get(ctx.Top(EventKey.Stage)));
        var verb = ctx.Set(_verb, _verbs.Get(ctx.Top(EventKey.Verb)));
        var objectRef = ctx.Top(EventKey.ObjectRef);
        var resource = ctx.Set(_resource, _resources.Get(JsonValues.Prop(objectRef, "resource"u8)));
        var subresource = ctx.Set(_subresource, _subresources.Get(JsonValues.Prop(objectRef, "subresource"u8)));
        var candidates = _index.Candidates(stage, verb, resource, subresource ?? ConditionFacts.Absent);
        if (candidates.Length == 0)
        {
            return 0;
        }

        var level = AuditLevel.None;
        var alerts = 0;
        foreach (var rule in candidates)
        {
            if (rule.Level > AuditLevel.Metadata)
            {
                if (level == AuditLevel.None)
                {
                    level = EventLevel(ctx);
                }

                if (level < rule.Level)
                {
                    Stats.Skip(rule);
                    continue;
                }
            }

            if (!rule.Condition.Evaluate(ctx))
            {
                continue;
            }

            var suppressed = false;
            foreach (var x in rule.Exceptions)
            {
                if (x.Condition.Evaluate(ctx))
                {
                    suppressed = true;
                    break;
                }
            }

            if (suppressed)
            {
                Stats.Suppress(rule);
                continue;
            }

            if (_aggregators[rule.Index] is { } aggregator && !aggregator.Add(GroupKey(rule), EventTicks(), rule.Distinct is { } d ? ctx.Text(d) : null))
            {
                continue;
            }

            Stats.Alert(rule);
            alerts++;
            onAlert(new DetectionAlert
            {
                Rule = rule,
                Message = rule.Output.Render(ctx),
                Event = AlertEvent.From(record.Root),
                File = record.Source,
                Line = record.Line,
            });
        }

        return alerts;
    }

    /// <summary>Judges one event given as parsed JSON (valid during the call); returns the number of alerts.</summary>
    public int Process(JsonElement eventRoot, Action<DetectionAlert>? onAlert = null, string source = "", long line = 0) =>
        Process(new AuditRecord(eventRoot, source, line), onAlert ?? (_ => { }));

    /// <summary>Reads and judges a stream (plain or gzip) to its end.</summary>
    public void Run(Stream stream, string source, Action<DetectionAlert> onAlert, Action<AuditLogError>? onError = null, AuditLogOptions? options = null)
    {
        Stats.Files++;
        AuditLogReader.ReadStream(stream, source, Sink(onAlert, onError), options);
    }

    /// <summary>Reads and judges files, folders and standard input ("-").</summary>
    public void Run(IEnumerable<string> paths, Action<DetectionAlert> onAlert, Action<AuditLogError>? onError = null, AuditLogOptions? options = null, Func<Stream>? stdin = null)
    {
        var summary = AuditLogReader.ReadPaths(paths, Sink(onAlert, onError), options, stdin);
        Stats.Files += summary.Files;
    }

    /// <summary>Follows a growing file until cancelled (see <see cref="AuditFollower"/>).</summary>
    public bool Follow(string path, Action<DetectionAlert> onAlert, Action<AuditLogError>? onError, CancellationToken cancel, AuditLogOptions? options = null, Action? onIdle = null, TimeSpan? poll = null)
    {
        Stats.Files++;
        var follower = new AuditFollower(path, Sink(onAlert, onError), options)
        {
            OnIdle = onIdle,
            PollInterval = poll ?? TimeSpan.FromMilliseconds(200),
        };
        return follower.Run(cancel);
    }

    /// <summary>The engine as a reader sink (set the alert callback with <see cref="Sink"/>).</summary>
    void IAuditRecordSink.OnEvent(in AuditRecord record) => Process(record, _sink!);

    void IAuditRecordSink.OnError(AuditLogError error) => Stats.Errors++;

    private IAuditRecordSink Sink(Action<DetectionAlert> onAlert, Action<AuditLogError>? onError)
    {
        _sink = onAlert;
        return onError is null ? this : new ErrorForwarder(this, onError);
    }

    private string GroupKey(CompiledRule rule)
    {
        var by = rule.AggregateBy;
        return by.Count switch
        {
            0 => string.Empty,
            1 => _context.Text(by[0]),
            _ => string.Join('\u001f', by.Select(_context.Text)),
        };
    }

    private long EventTicks()
    {
        if (_context.Get(_time) is string text &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            _lastTicks = t.UtcTicks;
        }

        // An event without a time counts at the time of the last event that had one.
        return _lastTicks;
    }

    /// <summary>The event's level; without a level field, what its bodies show.</summary>
    internal static AuditLevel EventLevel(JsonElement e)
    {
        var ctx = new EvalContext(new FieldTable());
        ctx.Reset(e);
        return EventLevel(ctx);
    }

    private static AuditLevel EventLevel(EvalContext ctx)
    {
        var l = ctx.Top(EventKey.Level);
        if (l.ValueKind == JsonValueKind.String)
        {
            if (l.ValueEquals("Metadata"u8))
            {
                return AuditLevel.Metadata;
            }

            if (l.ValueEquals("Request"u8))
            {
                return AuditLevel.Request;
            }

            if (l.ValueEquals("RequestResponse"u8))
            {
                return AuditLevel.RequestResponse;
            }
        }

        return ctx.Top(EventKey.ResponseObject).ValueKind != JsonValueKind.Undefined ? AuditLevel.RequestResponse
            : ctx.Top(EventKey.RequestObject).ValueKind != JsonValueKind.Undefined ? AuditLevel.Request
            : AuditLevel.Metadata;
    }

    private sealed class ErrorForwarder(DetectionEngine engine, Action<AuditLogError> onError) : IAuditRecordSink
    {
        public void OnEvent(in AuditRecord record) => ((IAuditRecordSink)engine).OnEvent(record);

        public void OnError(AuditLogError error)
        {
            ((IAuditRecordSink)engine).OnError(error);
            onError(error);
        }
    }
}
