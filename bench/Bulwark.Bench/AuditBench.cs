using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Reading;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Bench;

/// <summary>One timed pass over the log.</summary>
internal sealed class AuditPass
{
    public double Seconds { get; set; }

    public double CpuSeconds { get; set; }

    public long AllocatedBytes { get; set; }

    public long Events { get; set; }

    public long Errors { get; set; }

    public long Alerts { get; set; }
}

/// <summary>What the main child measured: the bare parse and the full pack over the same file, in one process.</summary>
internal sealed class AuditMainResult
{
    public int Rules { get; set; }

    public double CompileSeconds { get; set; }

    public double WarmUpSeconds { get; set; }

    public List<AuditPass> Parse { get; set; } = [];

    public List<AuditPass> Detect { get; set; } = [];

    public Dictionary<string, long> AlertsByRule { get; set; } = [];

    public Dictionary<string, long> SkippedByRule { get; set; } = [];

    public long PeakWorkingSetBytes { get; set; }

    public int[] Collections { get; set; } = [];
}

/// <summary>What a memory child measured: the full pack over the first N events of the log.</summary>
internal sealed class AuditMemoryResult
{
    public long Events { get; set; }

    public double Seconds { get; set; }

    public long Alerts { get; set; }

    public long PeakWorkingSetBytes { get; set; }

    /// <summary>Managed heap after a full collection once the run is over, with the engine (and its aggregation state) still referenced.</summary>
    public long RetainedHeapBytes { get; set; }
}

/// <summary>Everything the audit mode measured, written to bench/out/audit-result.json.</summary>
internal sealed class AuditBenchResult
{
    public int Seed { get; set; }

    public int ProcessorCount { get; set; } = Environment.ProcessorCount;

    public AuditCorpusStats Corpus { get; set; } = new();

    public double GenerationSeconds { get; set; }

    public AuditMainResult Main { get; set; } = new();

    public List<AuditMemoryResult> Memory { get; set; } = [];

    public List<Target> Targets { get; set; } = [];
}

/// <summary>
/// The audit mode: generates a log (AuditCorpus), then in one child process times a bare parse of it
/// (AuditLogReader with a sink that only counts) and the full built-in pack over it (DetectionEngine), and in one
/// child process per size runs the pack over the first N events to show that peak memory does not grow with the log.
/// See bench/README.md.
/// </summary>
internal static class AuditBench
{
    private const int WarmUpEvents = 20_000;
    private const double TargetEventsPerSecond = 100_000;
    private const double TargetRatio = 2.0;
    private const double TargetGrowth = 1.25;

    public static int Run(Options options, string repoRoot, string outDir, JsonSerializerOptions jsonOptions)
    {
        var sizes = options.AuditSizes;
        var events = Math.Max(options.Events, sizes.Max());
        var log = options.Out is { } o ? Path.Combine(o, "audit.log") : Path.Combine(Path.GetTempPath(), $"bulwark-bench-audit-{options.Seed}-{Environment.ProcessId}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var result = new AuditBenchResult { Seed = options.Seed };
        try
        {
            Console.WriteLine($"Generating {events:N0} audit events (seed {options.Seed}) into {log} ...");
            var watch = Stopwatch.StartNew();
            var corpus = new AuditCorpus(options.Seed, Path.Combine(repoRoot, "examples", "audit", "incident.audit.jsonl"));
            result.Corpus = corpus.Write(log, events);
            result.GenerationSeconds = watch.Elapsed.TotalSeconds;
            var c = result.Corpus;
            Console.WriteLine($"  {c.Bytes / 1048576.0:F0} MiB in {result.GenerationSeconds:F1} s: {c.Requests:N0} requests, {c.AttackEvents:N0} attack events " +
                $"({c.Incidents} replays of the incident, {100.0 * c.AttackEvents / c.Events:F2}%), {c.RequestLevelEvents:N0} events with request bodies");

            result.Main = RunChild<AuditMainResult>(options, ["--phase", "audit", "--corpus", log, "--baseline-runs", options.BaselineRuns.ToString(CultureInfo.InvariantCulture)], "the parse and detection phase", jsonOptions);
            foreach (var size in sizes)
            {
                result.Memory.Add(RunChild<AuditMemoryResult>(options, ["--phase", "audit-memory", "--corpus", log, "--events", size.ToString(CultureInfo.InvariantCulture)], $"the memory phase for {size:N0} events", jsonOptions));
            }

            result.Targets = Targets(result);
            Print(result);
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, "audit-result.json");
            File.WriteAllText(path, JsonSerializer.Serialize(result, jsonOptions));
            Console.WriteLine($"Result written to {path}");
            return 0;
        }
        finally
        {
            if (options.Keep)
            {
                Console.WriteLine($"Log kept in {log}");
            }
            else
            {
                File.Delete(log);
            }
        }
    }

    /// <summary>Child: compile the pack, warm up, then time the bare parse and the full pack, interleaved, best run counts.</summary>
    public static AuditMainResult MeasureMain(string log, int runs)
    {
        var result = new AuditMainResult();
        var watch = Stopwatch.StartNew();
        var pack = CompiledPack.Load([], AuditTuning.None);
        result.CompileSeconds = watch.Elapsed.TotalSeconds;
        result.Rules = pack.EnabledRules.Count();
        if (pack.Errors.Count > 0)
        {
            throw new InvalidOperationException("the built-in pack has errors: " + string.Join("; ", pack.Errors));
        }

        watch.Restart();
        for (var i = 0; i < 3; i++)
        {
            Parse(log, WarmUpEvents);
            Detect(pack, log, WarmUpEvents, out _);
        }

        Thread.Sleep(500); // let the tiered JIT finish its optimised compilations
        result.WarmUpSeconds = watch.Elapsed.TotalSeconds;

        var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        DetectionEngine? last = null;
        for (var run = 0; run < runs; run++)
        {
            Collect();
            result.Parse.Add(Time(() => Parse(log, long.MaxValue)));
            Collect();
            result.Detect.Add(Time(() =>
            {
                var pass = Detect(pack, log, long.MaxValue, out var engine);
                last = engine;
                return pass;
            }));
        }

        result.Collections = Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]).ToArray();
        foreach (var rule in last!.Stats.Rules)
        {
            if (rule.Alerts > 0)
            {
                result.AlertsByRule[rule.Rule] = rule.Alerts;
            }

            if (rule.SkippedForMissingFields > 0)
            {
                result.SkippedByRule[rule.Rule] = rule.SkippedForMissingFields;
            }
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        result.PeakWorkingSetBytes = self.PeakWorkingSet64;
        return result;
    }

    /// <summary>Child: warm up, then the full pack over the first N events; the process's peak working set.</summary>
    public static AuditMemoryResult MeasureMemory(string log, long events)
    {
        var pack = CompiledPack.Load([], AuditTuning.None);
        Detect(pack, log, WarmUpEvents, out _);
        Collect();
        var watch = Stopwatch.StartNew();
        var pass = Detect(pack, log, events, out var engine);
        var seconds = watch.Elapsed.TotalSeconds;
        var retained = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(engine);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return new AuditMemoryResult { Events = pass.Events, Seconds = seconds, Alerts = pass.Alerts, PeakWorkingSetBytes = self.PeakWorkingSet64, RetainedHeapBytes = retained };
    }

    private static void Collect() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

    /// <summary>The baseline: the reader's parse of every line into a JsonDocument, handed to a sink that only counts.</summary>
    private static AuditPass Parse(string log, long limit)
    {
        long events = 0, errors = 0;
        using var stream = Open(log, limit);
        AuditLogReader.ReadStream(stream, log, new DelegateRecordSink(_ => events++, _ => errors++));
        return new AuditPass { Events = events, Errors = errors };
    }

    /// <summary>The full pack: the same reader feeding a detection engine (every enabled built-in rule).</summary>
    private static AuditPass Detect(CompiledPack pack, string log, long limit, out DetectionEngine engine)
    {
        long alerts = 0, errors = 0;
        engine = DetectionEngine.Create(pack);
        using var stream = Open(log, limit);
        engine.Run(stream, log, _ => alerts++, _ => errors++);
        return new AuditPass { Events = engine.Stats.Events, Errors = errors, Alerts = alerts };
    }

    private static Stream Open(string log, long limit)
    {
        var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return limit == long.MaxValue ? file : new LineLimitedStream(file, limit);
    }

    private static AuditPass Time(Func<AuditPass> action)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var pass = action();
        pass.Seconds = watch.Elapsed.TotalSeconds;
        self.Refresh();
        pass.CpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        pass.AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return pass;
    }

    private static List<Target> Targets(AuditBenchResult r)
    {
        var parse = r.Main.Parse.Min(p => p.Seconds);
        var detect = r.Main.Detect.MinBy(p => p.Seconds)!;
        var rate = detect.Events / detect.Seconds;
        var ratio = detect.Seconds / parse;
        var smallest = r.Memory.MinBy(m => m.Events)!;
        var largest = r.Memory.MaxBy(m => m.Events)!;
        var growth = (double)largest.PeakWorkingSetBytes / smallest.PeakWorkingSetBytes;
        return
        [
            new Target { Name = "events per second through the full pack", Limit = $">= {TargetEventsPerSecond:N0}", Value = $"{rate:N0}", Met = rate >= TargetEventsPerSecond },
            new Target { Name = "full pack time / bare parse time", Limit = $"<= {TargetRatio:F1}", Value = $"{ratio:F2}", Met = ratio <= TargetRatio },
            new Target
            {
                Name = $"peak working set, {largest.Events:N0} vs {smallest.Events:N0} events",
                Limit = $"<= {TargetGrowth:F2}x (flat)",
                Value = $"{growth:F2}x ({Mib(largest.PeakWorkingSetBytes)} vs {Mib(smallest.PeakWorkingSetBytes)})",
                Met = growth <= TargetGrowth,
            },
        ];
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:N0} MiB";

    private static void Print(AuditBenchResult r)
    {
        var m = r.Main;
        var parse = m.Parse.MinBy(p => p.Seconds)!;
        var detect = m.Detect.MinBy(p => p.Seconds)!;
        Console.WriteLine();
        Console.WriteLine($"{"",-34}{"bare parse",14}{"full pack",14}");
        Console.WriteLine($"{"events",-34}{parse.Events,14:N0}{detect.Events,14:N0}");
        Console.WriteLine($"{"time (s), best",-34}{parse.Seconds,14:F2}{detect.Seconds,14:F2}");
        Console.WriteLine($"{"runs (s)",-34}{string.Join(" ", m.Parse.Select(p => p.Seconds.ToString("F2", CultureInfo.InvariantCulture))),14}{string.Join(" ", m.Detect.Select(p => p.Seconds.ToString("F2", CultureInfo.InvariantCulture))),14}");
        Console.WriteLine($"{"CPU time (s)",-34}{parse.CpuSeconds,14:F2}{detect.CpuSeconds,14:F2}");
        Console.WriteLine($"{"events per second",-34}{parse.Events / parse.Seconds,14:N0}{detect.Events / detect.Seconds,14:N0}");
        Console.WriteLine($"{"allocated (MiB)",-34}{parse.AllocatedBytes / 1048576.0,14:N0}{detect.AllocatedBytes / 1048576.0,14:N0}");
        Console.WriteLine($"{"alerts",-34}{"",14}{detect.Alerts,14:N0}");
        Console.WriteLine($"{"unreadable lines",-34}{parse.Errors,14:N0}{detect.Errors,14:N0}");
        Console.WriteLine($"ratio full pack / bare parse: {detect.Seconds / parse.Seconds:F2} (CPU {detect.CpuSeconds / parse.CpuSeconds:F2})");
        Console.WriteLine($"{m.Rules} enabled rules compiled in {m.CompileSeconds:F2} s; warm-up {m.WarmUpSeconds:F1} s; GCs (gen0/1/2) {string.Join("/", m.Collections)}; peak working set {Mib(m.PeakWorkingSetBytes)}");
        Console.WriteLine("alerts by rule: " + string.Join(", ", m.AlertsByRule.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:N0}")));
        Console.WriteLine();
        Console.WriteLine($"{"memory (full pack, own process)",-34}{"events",14}{"time (s)",10}{"alerts",10}{"peak WS",12}{"retained",12}");
        foreach (var x in r.Memory)
        {
            Console.WriteLine($"{"",-34}{x.Events,14:N0}{x.Seconds,10:F2}{x.Alerts,10:N0}{Mib(x.PeakWorkingSetBytes),12}{Mib(x.RetainedHeapBytes),12}");
        }

        Console.WriteLine();
        foreach (var t in r.Targets)
        {
            Console.WriteLine($"target: {t.Name} {t.Limit}: {t.Value} {(t.Met ? "met" : "MISSED")}");
        }
    }

    private static T RunChild<T>(Options options, string[] args, string what, JsonSerializerOptions jsonOptions)
    {
        var resultFile = Path.Combine(Path.GetTempPath(), $"bulwark-bench-audit-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo { UseShellExecute = false };
        var host = Environment.ProcessPath!;
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(AuditBench).Assembly.Location);
        }

        foreach (var a in args.Concat(["--result", resultFile, "--seed", options.Seed.ToString(CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(a);
        }

        Console.WriteLine($"Running {what} in a child process ...");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + host);
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(resultFile))
        {
            throw new InvalidOperationException($"{what} failed (exit code {process.ExitCode})");
        }

        var result = JsonSerializer.Deserialize<T>(File.ReadAllText(resultFile), jsonOptions)!;
        File.Delete(resultFile);
        return result;
    }
}

/// <summary>A read-only view of a stream that ends after its Nth line break (the first N events of a log).</summary>
internal sealed class LineLimitedStream(Stream inner, long lines) : Stream
{
    private long _left = lines;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0)
        {
            return 0;
        }

        var read = inner.Read(buffer);
        for (var i = 0; i < read; i++)
        {
            if (buffer[i] == (byte)'\n' && --_left == 0)
            {
                return i + 1;
            }
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
