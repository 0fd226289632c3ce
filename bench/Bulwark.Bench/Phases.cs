using System.Diagnostics;
using Bulwark.Engine;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Rules;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Bench;

/// <summary>What one phase (run in its own process) measured.</summary>
internal sealed class PhaseResult
{
    public string Phase { get; set; } = string.Empty;

    /// <summary>Wall-clock seconds of every timed run.</summary>
    public List<double> RunSeconds { get; set; } = [];

    /// <summary>The figure used: best run of the baseline, the single run of the scan.</summary>
    public double Seconds { get; set; }

    public double WarmupSeconds { get; set; }

    /// <summary>CPU time (all threads) of the run counted in <see cref="Seconds"/>; steadier than wall time on a busy machine.</summary>
    public double CpuSeconds { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    /// <summary>YAML documents parsed (baseline) or Kubernetes objects loaded (scan; List items count one each).</summary>
    public int Documents { get; set; }

    public int Objects { get; set; }

    // Scan only.
    public double LoadSeconds { get; set; }

    public double RulesSeconds { get; set; }

    /// <summary>Diagnostic, timed after the measured run: building the inventory's pod templates (typed conversion) alone.</summary>
    public double PodTemplateSeconds { get; set; }

    public int Rules { get; set; }

    public int PodTemplates { get; set; }

    public int Findings { get; set; }

    public int Suppressed { get; set; }

    public int InputErrors { get; set; }

    public SortedDictionary<string, int> FindingsByRule { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Seconds each rule's check took (rules run in parallel, so these add up to more than the wall time).</summary>
    public SortedDictionary<string, double> SecondsByRule { get; set; } = new(StringComparer.Ordinal);

    // Memory, for the whole process (warm-up included) up to the end of the measured run(s).
    public long PeakWorkingSetBytes { get; set; }

    /// <summary>Bytes allocated on the managed heap during the measured run (the last run for the baseline).</summary>
    public long AllocatedBytes { get; set; }

    /// <summary>Managed heap after a full collection with the run's results still referenced.</summary>
    public long RetainedHeapBytes { get; set; }

    /// <summary>Committed managed memory reported by the last GC before that collection.</summary>
    public long GcCommittedBytes { get; set; }

    public int Gen0Collections { get; set; }

    public int Gen1Collections { get; set; }

    public int Gen2Collections { get; set; }

    public double GcPauseSeconds { get; set; }

    public int ProcessorCount { get; set; } = Environment.ProcessorCount;
}

/// <summary>The two measured phases. Each runs in a child process of its own so its peak memory is its own.</summary>
internal static class Phases
{
    private const int WarmupFiles = 20;

    /// <summary>Manifest files of a corpus, as the loader finds them: *.yaml, *.yml, *.json, no dot-entries, ordinal order.</summary>
    public static List<string> ManifestFiles(string dir)
    {
        var files = Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Bare YAML parse with YamlDotNet's representation model, file-parallel like Bulwark's loader. No analysis.</summary>
    public static PhaseResult Baseline(string corpus, int runs)
    {
        var result = new PhaseResult { Phase = "baseline" };
        var warm = Stopwatch.StartNew();
        ParseAll(ManifestFiles(corpus).Take(WarmupFiles).ToList(), out _);
        result.WarmupSeconds = warm.Elapsed.TotalSeconds;

        var gc = GcSnapshot.Take();
        YamlStream[] documents = [];
        for (var run = 0; run < runs; run++)
        {
            documents = [];
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = CpuTime();
            var sw = Stopwatch.StartNew();
            var files = ManifestFiles(corpus);
            documents = ParseAll(files, out var bytes);
            sw.Stop();
            if (result.RunSeconds.Count == 0 || sw.Elapsed.TotalSeconds < result.RunSeconds.Min())
            {
                result.CpuSeconds = CpuTime() - cpu;
            }

            result.AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            result.RunSeconds.Add(sw.Elapsed.TotalSeconds);
            result.Files = files.Count;
            result.Documents = documents.Sum(d => d.Documents.Count);
            result.Bytes = bytes;
        }

        result.PeakWorkingSetBytes = PeakWorkingSet();
        result.Seconds = result.RunSeconds.Min();
        gc.CompleteInto(result);
        result.GcCommittedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect();
        result.RetainedHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes;
        GC.KeepAlive(documents);
        return result;
    }

    internal static YamlStream[] ParseAll(List<string> files, out long bytes)
    {
        var streams = new YamlStream[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var text = File.ReadAllText(files[i]);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            streams[i] = stream;
        });
        bytes = files.Sum(f => new FileInfo(f).Length);
        return streams;
    }

    /// <summary>Bulwark's full scan: ManifestLoader.Load, then Scanner.Scan with every rule of the built-in catalog.</summary>
    public static PhaseResult Scan(string corpus)
    {
        var result = new PhaseResult { Phase = "scan" };
        var catalog = RuleCatalog.BuiltIn;
        var options = new ScanOptions { OnlyRules = catalog.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal) };
        result.Rules = catalog.Rules.Count;

        var warm = Stopwatch.StartNew();
        var warmLoad = new ManifestLoader().Load(ManifestFiles(corpus).Take(WarmupFiles));
        _ = new Scanner(catalog, options: options).Scan(warmLoad);
        result.WarmupSeconds = warm.Elapsed.TotalSeconds;
        warmLoad = null;
        GC.Collect();

        var gc = GcSnapshot.Take();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = CpuTime();
        var sw = Stopwatch.StartNew();
        var load = new ManifestLoader().Load([corpus]);
        MemoryPolicy.CompactAfterLoad(load.Objects.Count); // exactly as `bulwark scan` does (counted in the load time)
        var loadSeconds = sw.Elapsed.TotalSeconds;
        var scan = new Scanner(catalog, options: options).Scan(load);
        sw.Stop();
        result.CpuSeconds = CpuTime() - cpu;
        result.AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        result.PeakWorkingSetBytes = PeakWorkingSet();
        result.Seconds = sw.Elapsed.TotalSeconds;
        result.RunSeconds.Add(result.Seconds);
        result.LoadSeconds = loadSeconds;
        result.RulesSeconds = result.Seconds - loadSeconds;
        gc.CompleteInto(result);

        result.GcCommittedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect();
        result.RetainedHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes;

        result.Files = load.Files.Count;
        result.Bytes = load.Files.Sum(f => new FileInfo(f.Path).Length);
        result.Objects = load.Objects.Count;
        result.Documents = load.Objects.Count;
        result.Findings = scan.Findings.Count;
        result.Suppressed = scan.Suppressed.Count;
        result.InputErrors = scan.Errors.Count;
        foreach (var (rule, time) in scan.RuleTimings)
        {
            result.SecondsByRule[rule] = time.TotalSeconds;
        }

        foreach (var finding in scan.Findings)
        {
            result.FindingsByRule[finding.Rule] = result.FindingsByRule.GetValueOrDefault(finding.Rule) + 1;
        }

        // Diagnostic only (not in the measured time): the typed-conversion share of the rules phase.
        var pods = Stopwatch.StartNew();
        result.PodTemplates = new Inventory(load.Objects).PodTemplates.Count;
        result.PodTemplateSeconds = pods.Elapsed.TotalSeconds;
        GC.KeepAlive(scan);
        return result;
    }

    internal static double CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    internal static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    private sealed class GcSnapshot
    {
        private readonly int _gen0 = GC.CollectionCount(0);
        private readonly int _gen1 = GC.CollectionCount(1);
        private readonly int _gen2 = GC.CollectionCount(2);
        private readonly TimeSpan _pause = GC.GetTotalPauseDuration();

        public static GcSnapshot Take() => new();

        public void CompleteInto(PhaseResult result)
        {
            result.Gen0Collections = GC.CollectionCount(0) - _gen0;
            result.Gen1Collections = GC.CollectionCount(1) - _gen1;
            result.Gen2Collections = GC.CollectionCount(2) - _gen2;
            result.GcPauseSeconds = (GC.GetTotalPauseDuration() - _pause).TotalSeconds;
        }
    }
}
