using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;

namespace Bulwark.Bench;

/// <summary>
/// The calls the netpol mode times, in one place: building the NetworkPolicy model and its evaluator, the full
/// connectivity analysis (<c>bulwark netpol connectivity</c>: all workload pairs and external ranges) and the gaps
/// report (<c>bulwark netpol gaps</c>). Each returns a one-line description of what it computed, or null when that
/// part of the analyser is not in this branch yet (printed "measured once merged").
/// </summary>
internal static class NetpolAnalysis
{
    /// <summary>NetworkModel.Build, then the PolicyEvaluator (endpoint classes, external address space, policy index).</summary>
    public static (object? Model, string? Detail) BuildModel(Inventory inventory)
    {
        var model = NetworkModel.Build(inventory);
        var evaluator = new PolicyEvaluator(model);
        var universe = evaluator.Universe;
        return (evaluator, $"{model.Workloads.Count:N0} workloads, {model.Namespaces.Count:N0} namespaces, {model.Policies.Count:N0} valid policies, " +
            $"{model.Problems.Count} problems; {universe.Classes.Count:N0} endpoint classes, {universe.External.Atoms.Count:N0} external ranges");
    }

    /// <summary>Full connectivity: all pairs + external, as `bulwark netpol connectivity` computes it (rendering excluded).</summary>
    public static string? Connectivity(object model)
    {
        var report = ConnectivityAnalyzer.Analyze((PolicyEvaluator)model);
        var external = report.Connections.Count(c => c.Source is ExternalEndpoint || c.Destination is ExternalEndpoint);
        return $"{report.Connections.Count:N0} connections ({report.Connections.Count - external:N0} between workloads, {external:N0} with external ranges), " +
            $"{report.PolicyEffectUnknown.Count} hostNetwork workloads apart";
    }

    /// <summary>The gaps report, as `bulwark netpol gaps` computes it with the default options (rendering excluded).</summary>
    public static string? Gaps(object model)
    {
        var report = Bulwark.Network.Gaps.GapAnalyzer.Analyze((PolicyEvaluator)model);
        var kinds = string.Join(", ", report.Gaps.GroupBy(g => g.Id).Select(g => $"{g.Count():N0} {g.Key}"));
        return $"{report.Gaps.Count:N0} gaps ({kinds}), {report.UnresolvedPeers.Count:N0} unresolved peers";
    }

    /// <summary>
    /// The whole command in-process, as a user runs it: <c>bulwark netpol connectivity -f DIR -o json</c> (load, model,
    /// analysis and the JSON written to a writer that only counts what it is given).
    /// </summary>
    public static string? ConnectivityCommand(string corpus)
    {
        using var output = new CountingWriter();
        using var errors = new StringWriter();
        var code = Bulwark.Cli.Program.Run(["netpol", "connectivity", "-f", corpus, "-o", "json"], output, errors);
        return code == 0
            ? $"exit 0, {output.Count / 1048576.0:F1} MiB of JSON"
            : throw new InvalidOperationException($"bulwark netpol connectivity failed (exit {code}): {errors}");
    }

    /// <summary>Workloads in the model (the analysis' unit), or -1 without a model.</summary>
    public static int Workloads(object? model) => model is PolicyEvaluator e ? e.Model.Workloads.Count : -1;
}

/// <summary>A text writer that discards what it is given and counts the characters.</summary>
internal sealed class CountingWriter : TextWriter
{
    public long Count { get; private set; }

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void Write(char value) => Count++;

    public override void Write(char[] buffer, int index, int count) => Count += count;

    public override void Write(string? value) => Count += value?.Length ?? 0;

    public override void Write(ReadOnlySpan<char> buffer) => Count += buffer.Length;
}
