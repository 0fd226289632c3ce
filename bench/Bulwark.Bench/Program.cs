using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Bench;

// Bulwark benchmark: generates a synthetic corpus, then measures a bare YamlDotNet parse (baseline) and Bulwark's
// full scan, each in a child process of its own, and prints and saves the comparison. The `pss` mode instead measures
// parsing against parsing plus Pod Security evaluation, in one child process; `rbac` times the RBAC model and `netpol`
// the NetworkPolicy analysis per cluster size; `audit` the audit-log detection against a bare parse. See bench/README.md.
var jsonOptions = new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
};

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

// Child mode: run one phase and write its result.
if (options.Phase is { } phase)
{
    var measured = phase switch
    {
        "baseline" => JsonSerializer.Serialize(Phases.Baseline(options.Corpus!, options.BaselineRuns), jsonOptions),
        "scan" => JsonSerializer.Serialize(Phases.Scan(options.Corpus!), jsonOptions),
        "pss" => JsonSerializer.Serialize(PssPhase.Run(options.Corpus!, options.BaselineRuns), jsonOptions),
        "audit" => JsonSerializer.Serialize(AuditBench.MeasureMain(options.Corpus!, options.BaselineRuns), jsonOptions),
        "audit-memory" => JsonSerializer.Serialize(AuditBench.MeasureMemory(options.Corpus!, options.Events), jsonOptions),
        _ => throw new InvalidOperationException("unknown phase " + phase),
    };
    File.WriteAllText(options.ResultFile!, measured);
    return 0;
}

// Child mode of netpol: measure one cluster size.
if (options.Single is not null)
{
    File.WriteAllText(options.ResultFile!, JsonSerializer.Serialize(NetpolBench.MeasureOne(options), jsonOptions));
    return 0;
}

if (options.Mode == "netpol")
{
    return NetpolBench.Run(options, Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "bench", "out"), jsonOptions);
}

if (options.Mode == "audit")
{
    var root = RepositoryRoot() ?? Directory.GetCurrentDirectory();
    return AuditBench.Run(options, root, Path.Combine(root, "bench", "out"), jsonOptions);
}

if (options.Mode == "rbac")
{
    return RbacBench.Run(options, Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "bench", "out"), jsonOptions);
}

var corpus = options.Out ?? Path.Combine(Path.GetTempPath(), $"bulwark-bench-{options.Objects}-{options.Files}-{options.Seed}-{Environment.ProcessId}");
Console.WriteLine($"Generating {options.Objects:N0} objects in {options.Files:N0} files (seed {options.Seed}) into {corpus} ...");
var generation = Stopwatch.StartNew();
var stats = new CorpusGenerator(options.Seed).Write(corpus, options.Objects, options.Files);
Console.WriteLine($"  {stats.Bytes / 1048576.0:F1} MiB written in {generation.Elapsed.TotalSeconds:F1} s " +
    $"({stats.YamlFiles} YAML, {stats.JsonFiles} JSON, {stats.ListFiles} List files)");

try
{
    var outDir = Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "bench", "out");
    Directory.CreateDirectory(outDir);
    string resultPath;
    if (options.Mode == "pss")
    {
        var pss = RunChild<PssPhaseResult>("pss", corpus, options, jsonOptions);
        var pssReport = PssReport.Build(options, stats, pss);
        PssReport.Print(pssReport);
        resultPath = Path.Combine(outDir, "pss-result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(pssReport, jsonOptions));
    }
    else
    {
        var baseline = RunChild<PhaseResult>("baseline", corpus, options, jsonOptions);
        var scan = RunChild<PhaseResult>("scan", corpus, options, jsonOptions);
        var report = Report.Build(options, stats, baseline, scan);
        Report.Print(report);
        resultPath = Path.Combine(outDir, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(report, jsonOptions));
    }

    Console.WriteLine($"Result written to {resultPath}");
    return 0;
}
finally
{
    if (options.Keep)
    {
        Console.WriteLine($"Corpus kept in {corpus}");
    }
    else if (File.Exists(Path.Combine(corpus, CorpusGenerator.MarkerFile)))
    {
        Directory.Delete(corpus, recursive: true);
    }
}

static T RunChild<T>(string phase, string corpus, Options options, JsonSerializerOptions jsonOptions)
{
    var resultFile = Path.Combine(Path.GetTempPath(), $"bulwark-bench-{phase}-{Environment.ProcessId}.json");
    var start = new ProcessStartInfo { UseShellExecute = false };
    var host = Environment.ProcessPath!;
    start.FileName = host;
    if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
    {
        start.ArgumentList.Add(typeof(Phases).Assembly.Location); // run as `dotnet Bulwark.Bench.dll`
    }

    foreach (var a in new[] { "--phase", phase, "--corpus", corpus, "--result", resultFile, "--baseline-runs", options.BaselineRuns.ToString(CultureInfo.InvariantCulture) })
    {
        start.ArgumentList.Add(a);
    }

    Console.WriteLine($"Running the {phase} phase in a child process ...");
    using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + host);
    process.WaitForExit();
    if (process.ExitCode != 0 || !File.Exists(resultFile))
    {
        throw new InvalidOperationException($"the {phase} phase failed (exit code {process.ExitCode})");
    }

    var result = JsonSerializer.Deserialize<T>(File.ReadAllText(resultFile), jsonOptions)!;
    File.Delete(resultFile);
    return result;
}

static string? RepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
            {
                return dir.FullName;
            }
        }
    }

    return null;
}
