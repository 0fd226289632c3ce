using System.Globalization;
using System.Runtime.InteropServices;

namespace Bulwark.Bench;

internal sealed class PssSummary
{
    public int Objects { get; set; }

    public int Files { get; set; }

    public long Bytes { get; set; }

    public int Pods { get; set; }

    public string Policy { get; set; } = string.Empty;

    public double YamlDotNetSeconds { get; set; }

    /// <summary>The baseline: load + typed pod templates, best run.</summary>
    public double ParseSeconds { get; set; }

    public double ParseAndEvaluateSeconds { get; set; }

    /// <summary>The evaluation part of the fastest parse + evaluate run.</summary>
    public double EvaluateSeconds { get; set; }

    /// <summary>The fastest evaluation part of any parse + evaluate run.</summary>
    public double BestEvaluateSeconds { get; set; }

    public double PodsPerSecond { get; set; }

    public double PodsPerSecondOneThread { get; set; }

    /// <summary>The target's figure: best parse + evaluate time over best parse time.</summary>
    public double Ratio { get; set; }

    /// <summary>The same with CPU times (of the same runs): less sensitive to other load on the machine.</summary>
    public double CpuRatio { get; set; }

    /// <summary>1 + best evaluation time / best parse time: the ratio without the parse runs' own noise.</summary>
    public double EvaluationShareRatio { get; set; }

    /// <summary>How far apart the runs of the parse baseline are: (slowest - fastest) / fastest.</summary>
    public double ParseRunSpread { get; set; }

    public int Allowed { get; set; }

    public int Denied { get; set; }
}

internal sealed class PssBenchReport
{
    public string Timestamp { get; set; } = string.Empty;

    public string Machine { get; set; } = string.Empty;

    public int Seed { get; set; }

    public PssSummary Summary { get; set; } = new();

    public List<Target> Targets { get; set; } = [];

    public CorpusStats Corpus { get; set; } = new();

    public PssPhaseResult Phase { get; set; } = new();
}

/// <summary>Checks the Pod Security target and prints the table of the <c>pss</c> mode.</summary>
internal static class PssReport
{
    /// <summary>Evaluation may add at most 50% to the parse baseline.</summary>
    private const double MaxRatio = 1.5;

    public static PssBenchReport Build(Options options, CorpusStats corpus, PssPhaseResult p)
    {
        var summary = new PssSummary
        {
            Objects = p.Objects,
            Files = p.Files,
            Bytes = p.Bytes,
            Pods = p.Pods,
            Policy = p.Policy,
            YamlDotNetSeconds = p.YamlDotNet.Seconds,
            ParseSeconds = p.Parse.Seconds,
            ParseAndEvaluateSeconds = p.ParseAndEvaluate.Seconds,
            EvaluateSeconds = p.ParseAndEvaluate.RunSeconds.Count == 0 ? 0 : p.Evaluate.RunSeconds[p.ParseAndEvaluate.RunSeconds.IndexOf(p.ParseAndEvaluate.Seconds)],
            BestEvaluateSeconds = p.Evaluate.Seconds,
            PodsPerSecond = p.Pods / p.Evaluate.Seconds,
            PodsPerSecondOneThread = p.Pods / p.EvaluateOneThread.Seconds,
            Ratio = p.ParseAndEvaluate.Seconds / p.Parse.Seconds,
            CpuRatio = p.ParseAndEvaluate.CpuSeconds / p.Parse.CpuSeconds,
            EvaluationShareRatio = 1 + (p.Evaluate.Seconds / p.Parse.Seconds),
            ParseRunSpread = (p.Parse.RunSeconds.Max() - p.Parse.RunSeconds.Min()) / p.Parse.RunSeconds.Min(),
            Allowed = p.Allowed,
            Denied = p.Denied,
        };
        return new PssBenchReport
        {
            Timestamp = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            Machine = $"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
            Seed = options.Seed,
            Summary = summary,
            Corpus = corpus,
            Phase = p,
            Targets =
            [
                new Target
                {
                    Name = "(parse + evaluate) / parse",
                    Limit = $"<= {MaxRatio:F1}",
                    Value = summary.Ratio.ToString("F2", CultureInfo.InvariantCulture),
                    Met = summary.Ratio <= MaxRatio,
                },
            ],
        };
    }

    public static void Print(PssBenchReport r)
    {
        var s = r.Summary;
        var p = r.Phase;
        Console.WriteLine();
        Console.WriteLine($"Bulwark Pod Security benchmark  ({r.Machine})");
        Console.WriteLine($"Corpus: {s.Objects:N0} objects ({s.Pods:N0} run a pod), {s.Files:N0} files, {s.Bytes / 1048576.0:F1} MiB; seed {r.Seed}");
        Console.WriteLine($"Policy: {s.Policy} (evaluated as {p.EvaluatedVersion}); best of {p.Parse.RunSeconds.Count} runs each, after a {p.WarmupSeconds:F1} s JIT warm-up");
        Console.WriteLine();
        Row(string.Empty, "wall (s)", "CPU (s)", "runs, wall (s)");
        Row(new string('-', 42), new string('-', 8), new string('-', 8), new string('-', 22));
        Line("YamlDotNet parse alone (context)", p.YamlDotNet);
        Line("BASELINE: parse (load + pod specs)", p.Parse);
        Line("parse + evaluate", p.ParseAndEvaluate);
        Line("  evaluate only (in those runs)", p.Evaluate);
        Line("  evaluate only, one thread (diagnostic)", p.EvaluateOneThread);
        Console.WriteLine();
        Console.WriteLine($"Pods evaluated per second: {s.PodsPerSecond:N0} ({p.ProcessorCount} threads), {s.PodsPerSecondOneThread:N0} on one thread");
        Console.WriteLine($"Evaluation allocates {p.EvaluateAllocatedBytes / 1048576.0:F1} MiB ({(double)p.EvaluateAllocatedBytes / Math.Max(1, s.Pods):N0} bytes per pod), " +
            $"{p.EvaluateCollections} GCs, {p.EvaluateGcPauseSeconds:F3} s GC pause (last run)");
        Console.WriteLine($"Peak working set of the process (all runs): {p.PeakWorkingSetBytes / 1048576.0:F1} MiB");
        Console.WriteLine($"Input errors: {p.InputErrors:N0}");
        Console.WriteLine();
        Console.WriteLine($"Ratio (parse + evaluate) / parse: {s.Ratio:F2} wall time, {s.CpuRatio:F2} CPU time; " +
            $"1 + evaluate / parse: {s.EvaluationShareRatio:F3}");
        if (s.ParseRunSpread > 0.1)
        {
            Console.WriteLine($"Noise: the parse runs differ by up to {s.ParseRunSpread * 100:F0}%; the machine was busy, so the wall-time ratio is unreliable " +
                "(the CPU-time ratio and 1 + evaluate / parse are steadier).");
        }
        Console.WriteLine();
        Console.WriteLine("Target:");
        foreach (var t in r.Targets)
        {
            Console.WriteLine($"  [{(t.Met ? "met" : "MISSED")}] evaluation adds at most 50% to parse time: {t.Name} = {t.Value} (target {t.Limit})");
        }

        Console.WriteLine();
        Console.WriteLine($"Pods at {s.Policy}: {s.Allowed:N0} allowed, {s.Denied:N0} denied ({Percent(s.Denied, s.Pods)} denied)");
        Console.WriteLine("  by kind: " + string.Join(", ", p.PodsByKind.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value:N0}")));
        Console.WriteLine("  denied pods by number of failing checks: " + string.Join(", ", p.DeniedByFailureCount.Select(e => $"{e.Key}: {e.Value:N0}")));
        if (p.FailuresByCheck.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Top failing checks (pods failing each):");
            foreach (var (check, count) in p.FailuresByCheck.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(10))
            {
                Console.WriteLine($"  {count,9:N0}  {Percent(count, s.Pods),6}  {check}");
            }
        }

        Console.WriteLine();
    }

    private static void Line(string name, Timing t) =>
        Row(name, t.Seconds.ToString("F3", CultureInfo.InvariantCulture), t.CpuSeconds.ToString("F3", CultureInfo.InvariantCulture),
            string.Join(" ", t.RunSeconds.Select(x => x.ToString("F3", CultureInfo.InvariantCulture))));

    private static void Row(string name, string wall, string cpu, string runs) =>
        Console.WriteLine($"{name,-44}{wall,10}{cpu,10}   {runs}");

    private static string Percent(int part, int whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
