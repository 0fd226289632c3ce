using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Loading;
using Bulwark.Model;

namespace Bulwark.Bench;

/// <summary>One timed step of the netpol analysis (the best of the timed runs).</summary>
internal sealed class NetpolStep
{
    public string Name { get; set; } = string.Empty;

    /// <summary>False when that part of the analyser is not merged yet: the figures are then empty.</summary>
    public bool Measured { get; set; }

    public double Seconds { get; set; }

    public double CpuSeconds { get; set; }

    public long AllocatedBytes { get; set; }

    public List<double> Runs { get; set; } = [];

    /// <summary>What the step computed (objects, workloads, connections, gaps ...).</summary>
    public string Detail { get; set; } = string.Empty;
}

/// <summary>What the child process measured for one cluster size.</summary>
internal sealed class NetpolSizeResult
{
    public int Pods { get; set; }

    public NetpolCorpusStats Corpus { get; set; } = new();

    public double GenerationSeconds { get; set; }

    public int Objects { get; set; }

    public int InputErrors { get; set; }

    /// <summary>Workloads in the analyser's model (-1 without the analyser).</summary>
    public int ModelWorkloads { get; set; } = -1;

    public double WarmUpSeconds { get; set; }

    public List<NetpolStep> Steps { get; set; } = [];

    public long PeakWorkingSetBytes { get; set; }

    /// <summary>Peak working set before the whole-CLI step: load, model and analyses only (warm-up included).</summary>
    public long PeakBeforeCliBytes { get; set; }

    /// <summary>Managed heap after a full collection with the loaded objects and the model still referenced.</summary>
    public long RetainedHeapBytes { get; set; }

    public int[] Collections { get; set; } = [];

    public double GcPauseSeconds { get; set; }

    public NetpolStep? Step(string name) => Steps.FirstOrDefault(s => s.Name == name);
}

/// <summary>Everything the netpol mode measured, written to bench/out/netpol-result.json.</summary>
internal sealed class NetpolBenchResult
{
    public int Seed { get; set; }

    public int Namespaces { get; set; }

    public int Policies { get; set; }

    public int Runs { get; set; }

    public int ProcessorCount { get; set; } = Environment.ProcessorCount;

    public List<NetpolSizeResult> Sizes { get; set; } = [];

    public List<Target> Targets { get; set; } = [];
}

/// <summary>
/// The netpol mode: for each size, generates a cluster (NetpolCorpus) and measures, in a child process of its own
/// (so the peak working set is that size's), loading it, building the NetworkPolicy model, the full connectivity
/// analysis and the gaps report. The baseline of the ratios is the bare ManifestLoader load of the same files. See
/// bench/README.md.
/// </summary>
internal static class NetpolBench
{
    public const string Load = "load";
    public const string ModelBuild = "model";
    public const string Connectivity = "connectivity";
    public const string Gaps = "gaps";
    public const string Cli = "cli";

    private const string Unmerged = "measured once merged";
    private const int TargetPods = 5_000;
    private const double TargetSeconds = 10;
    private const long TargetBytes = 1L << 30;

    public static int Run(Options options, string outDir, JsonSerializerOptions jsonOptions)
    {
        var root = options.Out ?? Path.Combine(Path.GetTempPath(), $"bulwark-bench-netpol-{options.Seed}-{Environment.ProcessId}");
        var result = new NetpolBenchResult { Seed = options.Seed, Namespaces = options.Namespaces, Policies = options.Policies, Runs = options.Runs };
        var warmUp = Path.Combine(root, "warm-up");
        try
        {
            new NetpolCorpus(options.Seed + 1).Write(warmUp, pods: 200, namespaces: Math.Min(20, options.Namespaces), policies: 100);
            foreach (var pods in options.Sizes)
            {
                var corpus = Path.Combine(root, $"pods-{pods}");
                Console.WriteLine($"Generating {pods:N0} pods in {options.Namespaces} namespaces with {options.Policies:N0} NetworkPolicies (seed {options.Seed}) into {corpus} ...");
                var watch = Stopwatch.StartNew();
                var stats = new NetpolCorpus(options.Seed).Write(corpus, pods, options.Namespaces, options.Policies);
                var generation = watch.Elapsed.TotalSeconds;
                Console.WriteLine($"  {stats.Files:N0} files, {stats.Bytes / 1048576.0:F1} MiB: {stats.Workloads:N0} workloads " +
                    $"({string.Join(", ", stats.WorkloadsByKind.Select(kv => $"{kv.Value:N0} {kv.Key}s"))}), {stats.Services:N0} Services, " +
                    $"{stats.Policies:N0} policies, {stats.Calls:N0} calls in the application graph");
                var measured = RunChild(options, pods, corpus, warmUp, jsonOptions);
                measured.Corpus = stats;
                measured.GenerationSeconds = generation;
                result.Sizes.Add(measured);
                if (!options.Keep)
                {
                    Directory.Delete(corpus, recursive: true);
                }
            }

            result.Targets = Targets(result);
            Print(result);
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, "netpol-result.json");
            File.WriteAllText(path, JsonSerializer.Serialize(result, jsonOptions));
            Console.WriteLine($"Result written to {path}");
            return 0;
        }
        finally
        {
            if (options.Keep)
            {
                Console.WriteLine($"Clusters kept in {root}");
            }
            else if (options.Out is null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>Child process: warm up on the small cluster, then time the steps on the size's cluster.</summary>
    public static NetpolSizeResult MeasureOne(Options options)
    {
        var result = new NetpolSizeResult { Pods = options.Single!.Value };
        var watch = Stopwatch.StartNew();
        RunSteps(options.WarmUp!, null);
        result.WarmUpSeconds = watch.Elapsed.TotalSeconds;

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var pauseBefore = GC.GetTotalPauseDuration();
        for (var run = 0; run < options.Runs; run++)
        {
            if (run > 0)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }

            var steps = RunSteps(options.Corpus!, result);
            foreach (var step in steps)
            {
                var best = result.Step(step.Name);
                if (best is null)
                {
                    step.Runs.Add(step.Seconds);
                    result.Steps.Add(step);
                }
                else
                {
                    best.Runs.Add(step.Seconds);
                    if (step.Measured && step.Seconds < best.Seconds)
                    {
                        (best.Seconds, best.CpuSeconds, best.AllocatedBytes) = (step.Seconds, step.CpuSeconds, step.AllocatedBytes);
                    }
                }
            }

            if (run == options.Runs - 1)
            {
                result.Collections = Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]).ToArray();
                result.GcPauseSeconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds;
            }
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        result.PeakWorkingSetBytes = self.PeakWorkingSet64;
        return result;
    }

    private static List<NetpolStep> RunSteps(string corpus, NetpolSizeResult? result)
    {
        var steps = new List<NetpolStep>();
        LoadResult? load = null;
        steps.Add(Time(Load, () =>
        {
            load = new ManifestLoader().Load([corpus]);
            return $"{load.Objects.Count:N0} objects from {load.Files.Count:N0} files, {load.Errors.Count} input errors";
        }));
        if (result is not null)
        {
            result.Objects = load!.Objects.Count;
            result.InputErrors = load.Errors.Count;
        }

        object? built = null;
        var inventory = new Inventory(load!.Objects);
        steps.Add(Time(ModelBuild, () =>
        {
            var (m, detail) = NetpolAnalysis.BuildModel(inventory);
            built = m;
            return detail;
        }));
        if (result is not null)
        {
            result.ModelWorkloads = NetpolAnalysis.Workloads(built);
        }

        steps.Add(built is null ? Unmeasured(Connectivity) : Time(Connectivity, () => NetpolAnalysis.Connectivity(built)));
        steps.Add(built is null ? Unmeasured(Gaps) : Time(Gaps, () => NetpolAnalysis.Gaps(built)));
        if (result is not null)
        {
            // The size of the loaded objects and the model in memory.
            result.RetainedHeapBytes = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(load);
            GC.KeepAlive(inventory);
            GC.KeepAlive(built);
        }

        // Then the whole command from scratch, as a user runs it (the objects above are garbage by now).
        load = null;
        built = null;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (result is not null)
        {
            using var self = Process.GetCurrentProcess();
            result.PeakBeforeCliBytes = Math.Max(result.PeakBeforeCliBytes, self.PeakWorkingSet64);
        }

        steps.Add(Time(Cli, () => NetpolAnalysis.ConnectivityCommand(corpus)));
        return steps;
    }

    private static NetpolStep Unmeasured(string name) => new() { Name = name, Detail = Unmerged };

    private static NetpolStep Time(string name, Func<string?> action)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var detail = action();
        var seconds = watch.Elapsed.TotalSeconds;
        self.Refresh();
        return detail is null
            ? Unmeasured(name)
            : new NetpolStep
            {
                Name = name,
                Measured = true,
                Seconds = seconds,
                CpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds,
                AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated,
                Detail = detail,
            };
    }

    private static NetpolSizeResult RunChild(Options options, int pods, string corpus, string warmUp, JsonSerializerOptions jsonOptions)
    {
        var resultFile = Path.Combine(Path.GetTempPath(), $"bulwark-bench-netpol-{pods}-{Environment.ProcessId}.json");
        var start = new ProcessStartInfo { UseShellExecute = false };
        var host = Environment.ProcessPath!;
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(NetpolBench).Assembly.Location); // run as `dotnet Bulwark.Bench.dll`
        }

        foreach (var a in new[]
        {
            "--single", pods.ToString(CultureInfo.InvariantCulture), "--corpus", corpus, "--warmup", warmUp, "--result", resultFile,
            "--runs", options.Runs.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(a);
        }

        Console.WriteLine($"  measuring {pods:N0} pods in a child process ...");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + host);
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(resultFile))
        {
            throw new InvalidOperationException($"the {pods}-pod measurement failed (exit code {process.ExitCode})");
        }

        var result = JsonSerializer.Deserialize<NetpolSizeResult>(File.ReadAllText(resultFile), jsonOptions)!;
        File.Delete(resultFile);
        return result;
    }

    /// <summary>A command's time: load + model + its analysis (null when a part is not measured).</summary>
    private static double? Command(NetpolSizeResult r, string analysis) =>
        new[] { Load, ModelBuild, analysis }.Select(r.Step).All(s => s is { Measured: true })
            ? new[] { Load, ModelBuild, analysis }.Sum(n => r.Step(n)!.Seconds)
            : null;

    private static List<Target> Targets(NetpolBenchResult result)
    {
        var targets = new List<Target>();
        var size = result.Sizes.FirstOrDefault(s => s.Pods == TargetPods);
        if (size is null)
        {
            return targets;
        }

        foreach (var analysis in new[] { Connectivity, Gaps })
        {
            var seconds = Command(size, analysis);
            targets.Add(new Target
            {
                Name = $"`netpol {analysis}` (load + model + {analysis}), {TargetPods:N0} pods, {result.Policies:N0} policies",
                Limit = $"< {TargetSeconds} s",
                Value = seconds is { } s ? $"{s:F2} s" : Unmerged,
                Met = seconds < TargetSeconds,
            });
        }

        if (size.Step(Cli) is { Measured: true } cli)
        {
            targets.Add(new Target
            {
                Name = $"`bulwark netpol connectivity -o json` end to end (in-process), {TargetPods:N0} pods",
                Limit = $"< {TargetSeconds} s",
                Value = $"{cli.Seconds:F2} s",
                Met = cli.Seconds < TargetSeconds,
            });
        }

        targets.Add(new Target
        {
            Name = $"peak working set, {TargetPods:N0} pods (analysis {size.PeakBeforeCliBytes / 1048576.0:N0} MiB before the CLI step)",
            Limit = "< 1 GiB",
            Value = $"{size.PeakWorkingSetBytes / 1048576.0:N0} MiB",
            Met = size.PeakWorkingSetBytes < TargetBytes,
        });
        return targets;
    }

    private static string Seconds(NetpolStep? step) => step is { Measured: true } ? $"{step.Seconds:F3}" : "-";

    private static void Print(NetpolBenchResult r)
    {
        Console.WriteLine();
        Console.WriteLine($"NetworkPolicy benchmark: {r.Namespaces} namespaces, {r.Policies:N0} policies, seed {r.Seed}, best of {r.Runs} run(s) after a warm-up, {r.ProcessorCount} CPUs");
        Console.WriteLine($"  {"pods",7} {"workloads",9} {"objects",8} | {"load",7} {"model",7} {"connect.",8} {"gaps",7} | {"conn.cmd",8} {"ratio",6} {"gaps cmd",8} {"ratio",6} | {"cli json",8} | {"peak WS",8} {"heap",7}");
        foreach (var s in r.Sizes)
        {
            var load = s.Step(Load)!.Seconds;
            var conn = Command(s, Connectivity);
            var gaps = Command(s, Gaps);
            Console.WriteLine($"  {s.Pods,7:N0} {s.Corpus.Workloads,9:N0} {s.Objects,8:N0} | {Seconds(s.Step(Load)),7} {Seconds(s.Step(ModelBuild)),7} " +
                $"{Seconds(s.Step(Connectivity)),8} {Seconds(s.Step(Gaps)),7} | {(conn is { } c ? c.ToString("F3", CultureInfo.InvariantCulture) : "-"),8} " +
                $"{(conn is { } c2 ? (c2 / load).ToString("F2", CultureInfo.InvariantCulture) : "-"),6} {(gaps is { } g ? g.ToString("F3", CultureInfo.InvariantCulture) : "-"),8} " +
                $"{(gaps is { } g2 ? (g2 / load).ToString("F2", CultureInfo.InvariantCulture) : "-"),6} | {Seconds(s.Step(Cli)),8} | {s.PeakWorkingSetBytes / 1048576.0,5:N0} MiB {s.RetainedHeapBytes / 1048576.0,3:N0} MiB");
        }

        Console.WriteLine("  (seconds; conn.cmd / gaps cmd = load + model + analysis; ratio = that / load, the baseline; cli json = the whole");
        Console.WriteLine("   `bulwark netpol connectivity -o json` in-process, output rendered and discarded)");
        foreach (var s in r.Sizes)
        {
            Console.WriteLine($"  {s.Pods:N0} pods: warm-up {s.WarmUpSeconds:F2} s, GCs {string.Join("/", s.Collections)} (pause {s.GcPauseSeconds:F3} s), input errors {s.InputErrors}, peak working set before the CLI step {s.PeakBeforeCliBytes / 1048576.0:N0} MiB, model workloads {(s.ModelWorkloads < 0 ? "-" : s.ModelWorkloads.ToString("N0", CultureInfo.InvariantCulture))}");
            foreach (var step in s.Steps)
            {
                var figures = step.Measured
                    ? $"{step.Seconds,7:F3} s, CPU {step.CpuSeconds:F3} s, {step.AllocatedBytes / 1048576.0:N0} MiB allocated"
                    : "   n/a";
                Console.WriteLine($"    {step.Name,-13} {figures}: {step.Detail}");
            }
        }

        // Growth: how each step's time grows against the number of workloads (the analysis' unit): t ~ workloads^k.
        for (var i = 1; i < r.Sizes.Count; i++)
        {
            var (a, b) = (r.Sizes[i - 1], r.Sizes[i]);
            var scale = Math.Log((double)b.Corpus.Workloads / a.Corpus.Workloads);
            var exponents = a.Steps.Select(sa => (sa, sb: b.Step(sa.Name)))
                .Where(p => p.sa.Measured && p.sb is { Measured: true } && p.sa.Seconds > 0)
                .Select(p => $"{p.sa.Name} x{p.sb!.Seconds / p.sa.Seconds:F1} (k={Math.Log(p.sb.Seconds / p.sa.Seconds) / scale:F2})");
            Console.WriteLine($"  growth {a.Pods:N0} -> {b.Pods:N0} pods (workloads x{(double)b.Corpus.Workloads / a.Corpus.Workloads:F1}): {string.Join(", ", exponents)}");
        }

        if (r.Targets.Count == 0)
        {
            Console.WriteLine($"  targets apply to the {TargetPods:N0}-pod cluster, not measured in this run");
        }

        foreach (var t in r.Targets)
        {
            var verdict = t.Value == Unmerged ? "not measured" : t.Met ? "met" : "MISSED";
            Console.WriteLine($"  target {t.Name} {t.Limit}: {t.Value} -> {verdict}");
        }
    }
}
