using System.Diagnostics;
using System.Runtime.CompilerServices;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;

namespace Bulwark.Bench;

/// <summary>One timed measurement, repeated: every run's wall and CPU seconds; the best (fastest) run counts.</summary>
internal sealed class Timing
{
    public List<double> RunSeconds { get; set; } = [];

    public List<double> RunCpuSeconds { get; set; } = [];

    /// <summary>Wall seconds of the best run.</summary>
    public double Seconds { get; set; }

    /// <summary>CPU seconds (all threads) of the best run.</summary>
    public double CpuSeconds { get; set; }

    public void Add(double seconds, double cpuSeconds)
    {
        RunSeconds.Add(seconds);
        RunCpuSeconds.Add(cpuSeconds);
        var best = RunSeconds.IndexOf(RunSeconds.Min());
        Seconds = RunSeconds[best];
        CpuSeconds = RunCpuSeconds[best];
    }
}

/// <summary>What the Pod Security phase (run in its own process) measured.</summary>
internal sealed class PssPhaseResult
{
    public double WarmupSeconds { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    public int Documents { get; set; }

    public int Objects { get; set; }

    public int Pods { get; set; }

    public int InputErrors { get; set; }

    /// <summary>Context only: bare YamlDotNet parse of the same files (no Kubernetes objects, no typed specs).</summary>
    public Timing YamlDotNet { get; set; } = new();

    /// <summary>The baseline: ManifestLoader.Load + Inventory.PodTemplates (objects and typed pod specs, no evaluation).</summary>
    public Timing Parse { get; set; } = new();

    /// <summary>The baseline's work plus evaluating every pod at the policy.</summary>
    public Timing ParseAndEvaluate { get; set; } = new();

    /// <summary>The evaluation part alone of each parse + evaluate run (wall and CPU seconds).</summary>
    public Timing Evaluate { get; set; } = new();

    /// <summary>Diagnostic: evaluating every (already parsed) pod on one thread, best of the runs.</summary>
    public Timing EvaluateOneThread { get; set; } = new();

    public string Policy { get; set; } = string.Empty;

    public string EvaluatedVersion { get; set; } = string.Empty;

    public int Allowed { get; set; }

    public int Denied { get; set; }

    /// <summary>Failing pods per check id (a pod failing several checks counts once for each).</summary>
    public SortedDictionary<string, int> FailuresByCheck { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Denied pods by how many checks they fail.</summary>
    public SortedDictionary<int, int> DeniedByFailureCount { get; set; } = [];

    public SortedDictionary<string, int> PodsByKind { get; set; } = new(StringComparer.Ordinal);

    public long PeakWorkingSetBytes { get; set; }

    /// <summary>Managed bytes allocated by the evaluation part of the last parse + evaluate run.</summary>
    public long EvaluateAllocatedBytes { get; set; }

    /// <summary>Garbage collections (any generation) during the evaluation part of the last parse + evaluate run.</summary>
    public int EvaluateCollections { get; set; }

    /// <summary>GC pause seconds during the evaluation part of the last parse + evaluate run (included in its time).</summary>
    public double EvaluateGcPauseSeconds { get; set; }

    public int ProcessorCount { get; set; } = Environment.ProcessorCount;
}

/// <summary>
/// The Pod Security benchmark phase: in one process, after a JIT warm-up, it interleaves runs of a bare YamlDotNet
/// parse, the parse baseline (load + typed pod templates) and parse + evaluation, so that drift in the machine's load
/// affects all three alike. The fastest run of each counts.
/// </summary>
internal static class PssPhase
{
    private const int WarmupFiles = 20;
    private const int WarmupRounds = 3;

    public static readonly LevelVersion Policy = new(PodSecurityLevel.Restricted, PolicyVersion.Latest);

    public static PssPhaseResult Run(string corpus, int runs)
    {
        var result = new PssPhaseResult { Policy = Policy.ToString() };
        var evaluator = new PodSecurityEvaluator();
        result.EvaluatedVersion = evaluator.EvaluatedVersion(Policy.Version).ToString();

        // Warm-up: several rounds on a slice of the corpus so the tiered JIT has promoted the hot methods.
        var warm = Stopwatch.StartNew();
        var warmFiles = Phases.ManifestFiles(corpus).Take(WarmupFiles).ToList();
        for (var round = 0; round < WarmupRounds; round++)
        {
            Phases.ParseAll(warmFiles, out _);
            var warmPods = LoadPods(warmFiles, out _, out _);
            EvaluateAll(evaluator, warmPods, parallel: true);
            EvaluateAll(evaluator, warmPods, parallel: false);
            Thread.Sleep(200); // lets the background JIT finish its tier-1 compilations
        }

        result.WarmupSeconds = warm.Elapsed.TotalSeconds;
        Settle();

        IReadOnlyList<PodTemplate> pods = [];
        PodSecurityResult[] results = [];
        for (var run = 0; run < runs; run++)
        {
            pods = [];
            results = [];
            MeasureYamlDotNet(result, corpus);
            Settle();
            MeasureParse(result, corpus);
            Settle();
            (pods, results) = MeasureParseAndEvaluate(result, evaluator, corpus);

            // Diagnostic: the same evaluation on one thread, on the pods just parsed.
            var (cpu, sw) = Start();
            EvaluateAll(evaluator, pods, parallel: false);
            result.EvaluateOneThread.Add(sw.Elapsed.TotalSeconds, Phases.CpuTime() - cpu);
            if (run < runs - 1)
            {
                pods = [];
                results = [];
                Settle();
            }
        }

        result.PeakWorkingSetBytes = Phases.PeakWorkingSet();
        Tally(result, pods, results);
        return result;
    }

    /// <summary>Context: bare YamlDotNet parse.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureYamlDotNet(PssPhaseResult result, string corpus)
    {
        var (cpu, sw) = Start();
        var files = Phases.ManifestFiles(corpus);
        var streams = Phases.ParseAll(files, out var bytes);
        result.YamlDotNet.Add(sw.Elapsed.TotalSeconds, Phases.CpuTime() - cpu);
        result.Files = files.Count;
        result.Bytes = bytes;
        result.Documents = streams.Sum(s => s.Documents.Count);
    }

    /// <summary>The baseline: parse into objects and typed pod specs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureParse(PssPhaseResult result, string corpus)
    {
        var (cpu, sw) = Start();
        var pods = LoadPods([corpus], out var objects, out var errors);
        result.Parse.Add(sw.Elapsed.TotalSeconds, Phases.CpuTime() - cpu);
        result.Objects = objects;
        result.Pods = pods.Count;
        result.InputErrors = errors;
    }

    /// <summary>The baseline plus evaluating every pod; the evaluation part is also timed on its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (IReadOnlyList<PodTemplate> Pods, PodSecurityResult[] Results) MeasureParseAndEvaluate(PssPhaseResult result, PodSecurityEvaluator evaluator, string corpus)
    {
        var (cpu, sw) = Start();
        var pods = LoadPods([corpus], out _, out _);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var pause = GC.GetTotalPauseDuration();
        var evalCpu = Phases.CpuTime();
        var evalStart = sw.Elapsed.TotalSeconds;
        var results = EvaluateAll(evaluator, pods, parallel: true);
        sw.Stop();
        var endCpu = Phases.CpuTime();
        result.EvaluateAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        result.EvaluateCollections = GC.CollectionCount(0) - collections;
        result.EvaluateGcPauseSeconds = (GC.GetTotalPauseDuration() - pause).TotalSeconds;
        result.ParseAndEvaluate.Add(sw.Elapsed.TotalSeconds, endCpu - cpu);
        result.Evaluate.Add(sw.Elapsed.TotalSeconds - evalStart, endCpu - evalCpu);
        return (pods, results);
    }

    private static (double Cpu, Stopwatch Watch) Start() => (Phases.CpuTime(), Stopwatch.StartNew());

    /// <summary>Full collection between runs, so each run starts from the same, nearly empty heap.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The parse baseline: what any pod check needs before it can look at a pod.</summary>
    private static IReadOnlyList<PodTemplate> LoadPods(IEnumerable<string> paths, out int objects, out int errors)
    {
        var load = new ManifestLoader().Load(paths);
        var inventory = new Inventory(load.Objects);
        var pods = inventory.PodTemplates;
        objects = load.Objects.Count;
        errors = load.Errors.Count + inventory.ConversionErrors.Count;
        return pods;
    }

    private static PodSecurityResult[] EvaluateAll(PodSecurityEvaluator evaluator, IReadOnlyList<PodTemplate> pods, bool parallel)
    {
        var results = new PodSecurityResult[pods.Count];
        if (parallel)
        {
            // Same parallelism as the loader and the pod-template conversion.
            Parallel.For(0, pods.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                results[i] = evaluator.Evaluate(Policy, pods[i]));
        }
        else
        {
            for (var i = 0; i < pods.Count; i++)
            {
                results[i] = evaluator.Evaluate(Policy, pods[i]);
            }
        }

        return results;
    }

    private static void Tally(PssPhaseResult result, IReadOnlyList<PodTemplate> pods, PodSecurityResult[] results)
    {
        for (var i = 0; i < results.Length; i++)
        {
            var kind = pods[i].Owner.Kind;
            result.PodsByKind[kind] = result.PodsByKind.GetValueOrDefault(kind) + 1;
            var r = results[i];
            if (r.Allowed)
            {
                result.Allowed++;
                continue;
            }

            result.Denied++;
            result.DeniedByFailureCount[r.Failures.Count] = result.DeniedByFailureCount.GetValueOrDefault(r.Failures.Count) + 1;
            foreach (var failure in r.Failures)
            {
                result.FailuresByCheck[failure.Check] = result.FailuresByCheck.GetValueOrDefault(failure.Check) + 1;
            }
        }
    }
}
