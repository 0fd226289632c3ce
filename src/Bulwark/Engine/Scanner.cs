using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Rules;

namespace Bulwark.Engine;

/// <summary>Options of one scan that are not configuration: the date exceptions expire against.</summary>
public sealed record ScanOptions
{
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Run only these rules (null: every enabled rule).</summary>
    public IReadOnlySet<string>? OnlyRules { get; init; }
}

/// <summary>
/// The engine: runs every enabled rule over an inventory and turns violations into findings (located,
/// severity-adjusted, exceptions applied). It never writes to the console; fronts render what it returns.
/// </summary>
public sealed class Scanner
{
    private readonly RuleCatalog _catalog;
    private readonly BulwarkConfig _config;
    private readonly ScanOptions _options;

    public Scanner(RuleCatalog? catalog = null, BulwarkConfig? config = null, ScanOptions? options = null)
    {
        _catalog = catalog ?? RuleCatalog.BuiltIn;
        _config = config ?? BulwarkConfig.Default;
        _options = options ?? new ScanOptions();
    }

    public IEnumerable<Rule> EnabledRules => _catalog.Rules.Where(IsEnabled);

    public ScanResult Scan(LoadResult load)
    {
        var result = Scan(load.Objects);
        var errors = load.Errors.Concat(result.Errors).ToList();
        return new ScanResult
        {
            Findings = result.Findings,
            Suppressed = result.Suppressed,
            Errors = errors,
            FileCount = load.Files.Count,
            ObjectCount = load.Objects.Count,
            RuleTimings = result.RuleTimings,
        };
    }

    public ScanResult Scan(IReadOnlyList<KubeObject> objects)
    {
        var inventory = new Inventory(objects);
        _ = inventory.PodTemplates; // build shared views once, before rules run in parallel
        var rules = EnabledRules.ToList();
        var factory = new FindingFactory(this, new Exceptions(_config, _options.Today));
        var perRule = new RuleContext[rules.Count];
        var timings = new TimeSpan[rules.Count];
        Parallel.For(0, rules.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var context = new RuleContext(rules[i], inventory, _config, factory) { Today = _options.Today };
            rules[i].Check(context);
            perRule[i] = context;
            timings[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        });

        var findings = new List<Finding>(perRule.Sum(c => c.Findings.Count));
        var suppressed = new List<Finding>();
        foreach (var context in perRule)
        {
            findings.AddRange(context.Findings);
            suppressed.AddRange(context.Suppressed);
        }

        findings.Sort(FindingOrder.Instance);
        suppressed.Sort(FindingOrder.Instance);
        return new ScanResult
        {
            Findings = findings,
            Suppressed = suppressed,
            Errors = inventory.ConversionErrors,
            ObjectCount = objects.Count,
            RuleTimings = rules.Select((r, i) => (r.Id, timings[i])).ToDictionary(t => t.Id, t => t.Item2),
        };
    }

    public Severity SeverityOf(Rule rule) =>
        _config.Rules.TryGetValue(rule.Id, out var setting) && setting.Severity is { } s ? s : rule.Info.Severity;

    private bool IsEnabled(Rule rule)
    {
        if (_options.OnlyRules is { } only)
        {
            return only.Contains(rule.Id);
        }

        return _config.Rules.TryGetValue(rule.Id, out var setting) && setting.Enabled is { } enabled
            ? enabled
            : rule.Info.EnabledByDefault;
    }

    /// <summary>Builds findings as rules report them: located, severity applied, exceptions matched.</summary>
    private sealed class FindingFactory : IFindingFactory
    {
        private readonly Scanner _scanner;
        private readonly Exceptions _exceptions;

        public FindingFactory(Scanner scanner, Exceptions exceptions)
        {
            _scanner = scanner;
            _exceptions = exceptions;
        }

        public (Finding Finding, bool Suppressed) Create(Rule rule, Violation v)
        {
            var finding = ToFinding(rule, v);
            var suppression = _exceptions.Match(rule.Id, v.Object, v.Ref, v.Pointer, v.Container);
            return suppression is null ? (finding, false) : (finding with { Suppressed = suppression }, true);
        }

        private Finding ToFinding(Rule rule, Violation v)
        {
            var location = v.Location;
            if (v.Object is { } obj)
            {
                var position = FieldLocator.Locate(obj.Root, v.Pointer);
                location = new Location(obj.Origin.File.Path, position.Line, position.Column);
            }

            return new Finding
            {
                Rule = rule.Id,
                Title = rule.Info.Title,
                Severity = _scanner._config.Rules.TryGetValue(rule.Id, out var setting) && setting.Severity is { } configured
                    ? configured
                    : v.Severity ?? rule.Info.Severity,
                Controls = v.Controls ?? rule.Info.Controls,
                Message = v.Message,
                Object = v.Ref,
                Path = StringPool.Share(v.Pointer), // a few hundred distinct paths across hundreds of thousands of findings
                Location = location,
                Remediation = rule.Info.Remediation,
                Container = v.Container,
                Fix = v.Fix,
            };
        }
    }

    private sealed class FindingOrder : IComparer<Finding>
    {
        public static readonly FindingOrder Instance = new();

        public int Compare(Finding? x, Finding? y)
        {
            var c = string.CompareOrdinal(x!.Location?.File, y!.Location?.File);
            if (c != 0)
            {
                return c;
            }

            c = (x.Location?.Line ?? 0).CompareTo(y.Location?.Line ?? 0);
            if (c != 0)
            {
                return c;
            }

            c = (x.Location?.Column ?? 0).CompareTo(y.Location?.Column ?? 0);
            return c != 0 ? c : string.CompareOrdinal(x.Rule, y.Rule);
        }
    }
}
