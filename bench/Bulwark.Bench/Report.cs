using System.Globalization;
using System.Runtime.InteropServices;

namespace Bulwark.Bench;

internal sealed class Target
{
    public string Name { get; set; } = string.Empty;

    public string Limit { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public bool Met { get; set; }
}

internal sealed class Summary
{
    public int Objects { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    public int Rules { get; set; }

    public double BaselineSeconds { get; set; }

    public double ScanSeconds { get; set; }

    public double ScanLoadSeconds { get; set; }

    public double ScanRulesSeconds { get; set; }

    public double Ratio { get; set; }

    /// <summary>Scan CPU time over baseline CPU time: the same comparison, less sensitive to other load on the machine.</summary>
    public double CpuRatio { get; set; }

    public double ObjectsPerSecond { get; set; }

    public int Findings { get; set; }

    public long ScanPeakWorkingSetBytes { get; set; }

    public long ScanAllocatedBytes { get; set; }

    public long ScanRetainedHeapBytes { get; set; }

    public long BaselinePeakWorkingSetBytes { get; set; }
}

internal sealed class BenchReport
{
    public string Timestamp { get; set; } = string.Empty;

    public string Machine { get; set; } = string.Empty;

    public int Seed { get; set; }

    public Summary Summary { get; set; } = new();

    public List<Target> Targets { get; set; } = [];

    public CorpusStats Corpus { get; set; } = new();

    public PhaseResult Baseline { get; set; } = new();

    public PhaseResult Scan { get; set; } = new();
}

/// <summary>Combines the two phases, checks the targets and prints the table.</summary>
internal static class Report
{
    /// <summary>The throughput target: 100,000 objects in under 20 seconds (scaled linearly for other sizes).</summary>
    private const double SecondsPer100K = 20.0;
    private const double MaxRatio = 2.0;
    private const long MaxPeakBytes = 1L << 30;

    public static BenchReport Build(Options options, CorpusStats corpus, PhaseResult baseline, PhaseResult scan)
    {
        var summary = new Summary
        {
            Objects = scan.Objects,
            Files = scan.Files,
            Bytes = scan.Bytes,
            Rules = scan.Rules,
            BaselineSeconds = baseline.Seconds,
            ScanSeconds = scan.Seconds,
            ScanLoadSeconds = scan.LoadSeconds,
            ScanRulesSeconds = scan.RulesSeconds,
            Ratio = scan.Seconds / baseline.Seconds,
            CpuRatio = scan.CpuSeconds / baseline.CpuSeconds,
            ObjectsPerSecond = scan.Objects / scan.Seconds,
            Findings = scan.Findings,
            ScanPeakWorkingSetBytes = scan.PeakWorkingSetBytes,
            ScanAllocatedBytes = scan.AllocatedBytes,
            ScanRetainedHeapBytes = scan.RetainedHeapBytes,
            BaselinePeakWorkingSetBytes = baseline.PeakWorkingSetBytes,
        };
        var timeLimit = SecondsPer100K * scan.Objects / 100_000.0;
        return new BenchReport
        {
            Timestamp = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            Machine = $"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
            Seed = options.Seed,
            Summary = summary,
            Corpus = corpus,
            Baseline = baseline,
            Scan = scan,
            Targets =
            [
                new Target { Name = "scan / baseline ratio", Limit = $"<= {MaxRatio:F1}", Value = summary.Ratio.ToString("F2", CultureInfo.InvariantCulture), Met = summary.Ratio <= MaxRatio },
                new Target { Name = $"scan time for {scan.Objects:N0} objects", Limit = $"< {timeLimit:F1} s", Value = $"{scan.Seconds:F2} s", Met = scan.Seconds < timeLimit },
                new Target { Name = "scan peak memory (working set)", Limit = "< 1 GiB", Value = Mib(scan.PeakWorkingSetBytes), Met = scan.PeakWorkingSetBytes < MaxPeakBytes },
            ],
        };
    }

    public static void Print(BenchReport r)
    {
        var s = r.Summary;
        var b = r.Baseline;
        var c = r.Scan;
        Console.WriteLine();
        Console.WriteLine($"Bulwark benchmark  ({r.Machine})");
        Console.WriteLine($"Corpus: {s.Objects:N0} objects, {s.Files:N0} files, {s.Bytes / 1048576.0:F1} MiB; {s.Rules} rules; seed {r.Seed}");
        Console.WriteLine();
        Row("", "baseline (YamlDotNet)", "Bulwark scan");
        Row(new string('-', 30), new string('-', 22), new string('-', 22));
        Row("time (s)", $"{b.Seconds:F3} best of {b.RunSeconds.Count}", $"{c.Seconds:F3}");
        Row("  runs (s)", string.Join(" ", b.RunSeconds.Select(x => x.ToString("F2", CultureInfo.InvariantCulture))), string.Join(" ", c.RunSeconds.Select(x => x.ToString("F2", CultureInfo.InvariantCulture))));
        Row("CPU time, all threads (s)", $"{b.CpuSeconds:F3}", $"{c.CpuSeconds:F3}");
        Row("  load: read + parse (s)", string.Empty, $"{c.LoadSeconds:F3}");
        Row("  rules: views + rules (s)", string.Empty, $"{c.RulesSeconds:F3}");
        Row("    of which pod templates (s)", string.Empty, $"~{c.PodTemplateSeconds:F3} (timed apart)");
        Row("warm-up, 20 files (s)", $"{b.WarmupSeconds:F3}", $"{c.WarmupSeconds:F3}");
        Row("documents / objects", $"{b.Documents:N0} docs", $"{c.Objects:N0} objects");
        Row("objects per second", string.Empty, $"{s.ObjectsPerSecond:N0}");
        Row("findings", string.Empty, $"{c.Findings:N0} (+{c.Suppressed:N0} suppressed)");
        Row("input errors", string.Empty, $"{c.InputErrors:N0}");
        Row("pod templates", string.Empty, $"{c.PodTemplates:N0}");
        Row("peak working set", Mib(b.PeakWorkingSetBytes), Mib(c.PeakWorkingSetBytes));
        Row("allocated (one run)", Mib(b.AllocatedBytes), Mib(c.AllocatedBytes));
        Row("retained heap after run", Mib(b.RetainedHeapBytes), Mib(c.RetainedHeapBytes));
        Row("GC committed", Mib(b.GcCommittedBytes), Mib(c.GcCommittedBytes));
        Row("GCs gen0/1/2 (all runs)", $"{b.Gen0Collections}/{b.Gen1Collections}/{b.Gen2Collections}", $"{c.Gen0Collections}/{c.Gen1Collections}/{c.Gen2Collections}");
        Row("GC pause (s)", $"{b.GcPauseSeconds:F3}", $"{c.GcPauseSeconds:F3}");
        Console.WriteLine();
        Console.WriteLine($"Ratio scan / baseline: {s.Ratio:F2} wall time ({s.CpuRatio:F2} CPU time)");
        Console.WriteLine();
        Console.WriteLine("Targets:");
        foreach (var t in r.Targets)
        {
            Console.WriteLine($"  [{(t.Met ? "met" : "MISSED")}] {t.Name}: {t.Value} (target {t.Limit})");
        }

        if (c.FindingsByRule.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Findings by rule:");
            foreach (var (rule, count) in c.FindingsByRule.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {count,9:N0}  {rule}");
            }
        }

        if (c.SecondsByRule.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Slowest rules (seconds of check time):");
            foreach (var (rule, seconds) in c.SecondsByRule.OrderByDescending(e => e.Value).Take(10))
            {
                Console.WriteLine($"  {seconds,9:F3}  {rule}");
            }
        }

        Console.WriteLine();
    }

    private static void Row(string name, string baseline, string scan) =>
        Console.WriteLine($"{name,-32}{baseline,-24}{scan}");

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";
}
