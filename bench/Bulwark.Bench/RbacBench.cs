using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Loading;
using Bulwark.Rbac;
using Bulwark.Rbac.Paths;

namespace Bulwark.Bench;

/// <summary>Per-query latency figures, in milliseconds.</summary>
internal sealed class LatencyFigures
{
    public int Queries { get; set; }

    public double MeanMs { get; set; }

    public double P50Ms { get; set; }

    public double P99Ms { get; set; }

    public double MaxMs { get; set; }

    /// <summary>can-i: how many were allowed; who-can: the mean number of subjects returned.</summary>
    public double Answer { get; set; }

    public static LatencyFigures From(List<double> samples, double answer)
    {
        samples.Sort();
        return new LatencyFigures
        {
            Queries = samples.Count,
            MeanMs = samples.Average(),
            P50Ms = samples[samples.Count / 2],
            P99Ms = samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)],
            MaxMs = samples[^1],
            Answer = answer,
        };
    }
}

/// <summary>Everything the rbac mode measured, written to bench/out/rbac-result.json.</summary>
internal sealed class RbacBenchResult
{
    public int Seed { get; set; }

    public RbacCorpusStats Corpus { get; set; } = new();

    public int Objects { get; set; }

    public double LoadSeconds { get; set; }

    public double IndexSeconds { get; set; }

    public int ModelRoles { get; set; }

    public int ModelBindings { get; set; }

    public int Problems { get; set; }

    public LatencyFigures CanI { get; set; } = new();

    public LatencyFigures WhoCan { get; set; } = new();

    public double PathsSeconds { get; set; }

    public int GraphNodes { get; set; }

    public int GraphEdges { get; set; }

    public int PathSources { get; set; }

    public int Paths { get; set; }

    public Dictionary<string, int> PathsByLength { get; set; } = [];

    public Dictionary<string, int> FirstEdges { get; set; } = [];

    public Dictionary<string, int> EdgesByRisk { get; set; } = [];

    public string Risks { get; set; } = string.Empty;

    public List<Target> Targets { get; set; } = [];
}

/// <summary>
/// The rbac mode: generates a cluster's RBAC (<c>--roles</c>, <c>--bindings</c>), then times loading and indexing
/// (ManifestLoader + RbacModel.Build), random can-i and who-can queries one by one, and escalation paths for every
/// subject, in this process. See bench/README.md.
/// </summary>
internal static class RbacBench
{
    private const double QueryTargetMs = 10;

    public static int Run(Options options, string outDir, JsonSerializerOptions jsonOptions)
    {
        var corpus = options.Out ?? Path.Combine(Path.GetTempPath(), $"bulwark-bench-rbac-{options.Seed}-{Environment.ProcessId}");
        Console.WriteLine($"Generating {options.Roles:N0} roles and {options.Bindings:N0} bindings (seed {options.Seed}) into {corpus} ...");
        var stats = new RbacCorpus(options.Seed).Write(corpus, options.Roles, options.Bindings);
        Console.WriteLine($"  {stats.Files:N0} files, {stats.Bytes / 1048576.0:F1} MiB: {stats.Namespaces:N0} namespaces, {stats.Roles:N0} Roles, " +
            $"{stats.ClusterRoles:N0} ClusterRoles ({stats.AggregatedClusterRoles} aggregated), {stats.RoleBindings:N0} RoleBindings, " +
            $"{stats.ClusterRoleBindings:N0} ClusterRoleBindings, {stats.ServiceAccounts:N0} service accounts, {stats.Workloads:N0} workloads");
        try
        {
            var result = Measure(options, corpus, stats);
            Print(result);
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, "rbac-result.json");
            File.WriteAllText(path, JsonSerializer.Serialize(result, jsonOptions));
            Console.WriteLine($"Result written to {path}");
            return 0;
        }
        finally
        {
            if (options.Keep)
            {
                Console.WriteLine($"Corpus kept in {corpus}");
            }
            else if (options.Out is null)
            {
                Directory.Delete(corpus, recursive: true);
            }
        }
    }

    private static RbacBenchResult Measure(Options options, string corpus, RbacCorpusStats stats)
    {
        var result = new RbacBenchResult { Seed = options.Seed, Corpus = stats };

        // Load + index.
        var watch = Stopwatch.StartNew();
        var load = new ManifestLoader().Load([corpus]);
        result.LoadSeconds = watch.Elapsed.TotalSeconds;
        result.Objects = load.Objects.Count;
        watch.Restart();
        var model = RbacModel.Build(load.Objects);
        result.IndexSeconds = watch.Elapsed.TotalSeconds;
        result.ModelRoles = model.Roles.Count;
        result.ModelBindings = model.Bindings.Count;
        result.Problems = model.Problems.Count;
        Console.WriteLine($"Loaded {result.Objects:N0} objects in {result.LoadSeconds:F2} s; indexed in {result.IndexSeconds:F2} s");

        // Queries: random subjects, verbs, resources and namespaces (one in ten cluster-wide), timed one by one after a warm-up.
        var random = new Random(options.Seed + 1);
        var warmUp = Math.Min(200, options.Queries);
        var canI = new List<double>();
        var whoCan = new List<double>();
        var allowed = 0;
        long subjects = 0;
        for (var i = 0; i < warmUp + options.Queries; i++)
        {
            var request = RandomRequest(random, stats);
            var user = RandomUser(random, stats);
            var start = Stopwatch.GetTimestamp();
            var decision = model.CanI(request, user);
            var canIMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            var who = model.WhoCan(RandomRequest(random, stats));
            var whoCanMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= warmUp)
            {
                canI.Add(canIMs);
                whoCan.Add(whoCanMs);
                allowed += decision.Allowed ? 1 : 0;
                subjects += who.Subjects.Count;
            }
        }

        result.CanI = LatencyFigures.From(canI, allowed);
        result.WhoCan = LatencyFigures.From(whoCan, (double)subjects / options.Queries);

        // Escalation paths for every (non-system) subject: graph edges decided by can-i, then one reverse search.
        watch.Restart();
        var pathOptions = new PathOptions();
        var graph = EscalationGraph.Build(model, load.Objects, pathOptions);
        var sources = PathFinder.DefaultSources(graph, pathOptions).ToList();
        var paths = PathFinder.Find(graph, Identity.ClusterAdmin, sources, pathOptions);
        result.PathsSeconds = watch.Elapsed.TotalSeconds;
        result.GraphNodes = graph.Nodes.Count;
        var edges = graph.Nodes.SelectMany(n => graph.EdgesFrom(n)).ToList();
        result.GraphEdges = edges.Count;
        result.EdgesByRisk = edges.GroupBy(e => e.Risk).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        result.PathSources = sources.Count;
        result.Paths = paths.Count;
        result.PathsByLength = paths.GroupBy(p => p.Steps.Count).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count());
        result.FirstEdges = paths.GroupBy(p => p.Steps[0].Risk).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());

        result.Risks = MeasureRisks(model);

        result.Targets =
        [
            new Target { Name = "can-i p99 per query", Limit = $"< {QueryTargetMs} ms", Value = $"{result.CanI.P99Ms:F3} ms", Met = result.CanI.P99Ms < QueryTargetMs },
            new Target { Name = "who-can p99 per query", Limit = $"< {QueryTargetMs} ms", Value = $"{result.WhoCan.P99Ms:F3} ms", Met = result.WhoCan.P99Ms < QueryTargetMs },
        ];
        return result;
    }

    /// <summary>The full risk-catalog run over the indexed model (what `bulwark rbac risks` computes), best of 3.</summary>
    private static string MeasureRisks(RbacModel model)
    {
        var best = double.MaxValue;
        var count = 0;
        for (var run = 0; run < 3; run++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            count = Bulwark.Rbac.Risks.RiskEngine.Analyze(model).Count;
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return $"{best:F3} s best of 3 ({count:N0} risk findings, system subjects included)";
    }

    private static RequestAttributes RandomRequest(Random random, RbacCorpusStats stats)
    {
        var (group, combined) = RbacCorpus.Resources[random.Next(RbacCorpus.Resources.Length)];
        var slash = combined.IndexOf('/');
        var resource = slash < 0 ? combined : combined[..slash];
        var sub = slash < 0 ? string.Empty : combined[(slash + 1)..];
        var verb = RbacCorpus.Verbs[random.Next(RbacCorpus.Verbs.Length)];
        var ns = random.Next(10) == 0 ? string.Empty : stats.NamespaceNames[random.Next(stats.NamespaceNames.Count)];
        return RequestAttributes.ForResource(verb, group, resource, sub, @namespace: ns);
    }

    private static UserInfo RandomUser(Random random, RbacCorpusStats stats)
    {
        if (random.Next(100) < 40)
        {
            var (ns, name) = stats.Accounts[random.Next(stats.Accounts.Count)];
            return UserInfo.ForServiceAccount(ns, name);
        }

        var groups = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => stats.GroupNames[random.Next(stats.GroupNames.Count)]);
        return UserInfo.ForUser(stats.UserNames[random.Next(stats.UserNames.Count)], groups);
    }

    private static void Print(RbacBenchResult r)
    {
        Console.WriteLine();
        Console.WriteLine($"RBAC benchmark: {r.ModelRoles:N0} roles in the model (with defaults), {r.ModelBindings:N0} bindings, {r.Objects:N0} objects");
        Console.WriteLine($"  load                 {r.LoadSeconds,8:F2} s");
        Console.WriteLine($"  index (model build)  {r.IndexSeconds,8:F2} s");
        Console.WriteLine($"  can-i   per query    mean {r.CanI.MeanMs:F3} ms, p50 {r.CanI.P50Ms:F3} ms, p99 {r.CanI.P99Ms:F3} ms, max {r.CanI.MaxMs:F3} ms ({r.CanI.Queries:N0} queries, {r.CanI.Answer:N0} allowed)");
        Console.WriteLine($"  who-can per query    mean {r.WhoCan.MeanMs:F3} ms, p50 {r.WhoCan.P50Ms:F3} ms, p99 {r.WhoCan.P99Ms:F3} ms, max {r.WhoCan.MaxMs:F3} ms ({r.WhoCan.Queries:N0} queries, {r.WhoCan.Answer:F1} subjects on average)");
        Console.WriteLine($"  paths, every subject {r.PathsSeconds,8:F2} s: {r.GraphNodes:N0} nodes, {r.GraphEdges:N0} edges, {r.PathSources:N0} sources, {r.Paths:N0} paths " +
            $"(by length: {string.Join(", ", r.PathsByLength.Select(kv => $"{kv.Key}: {kv.Value}"))})");
        Console.WriteLine($"  edges by risk        {string.Join(", ", r.EdgesByRisk.Select(kv => $"{kv.Key}: {kv.Value:N0}"))}");
        Console.WriteLine($"  risks run            {r.Risks}");
        foreach (var t in r.Targets)
        {
            Console.WriteLine($"  target {t.Name} {t.Limit}: {t.Value} -> {(t.Met ? "met" : "MISSED")}");
        }
    }
}
