using Bulwark.Model;

namespace Bulwark.Bench;

/// <summary>
/// The calls the netpol mode times, in one place: building the NetworkPolicy model, the full connectivity analysis
/// (<c>bulwark netpol connectivity</c>: all workload pairs and external ranges) and the gaps report
/// (<c>bulwark netpol gaps</c>). Each returns a one-line description of what it computed, or null when that part of the
/// analyser is not in this branch yet (printed "measured once merged").
/// </summary>
internal static class NetpolAnalysis
{
    /// <summary>HOOK: NetworkModel.Build; measured once the analyser (branch netpol-core) is merged.</summary>
    public static (object? Model, string? Detail) BuildModel(Inventory inventory)
    {
        _ = inventory;
        return (null, null);
    }

    /// <summary>HOOK: full connectivity, all pairs + external; measured once the analyser is merged.</summary>
    public static string? Connectivity(object model)
    {
        _ = model;
        return null;
    }

    /// <summary>HOOK: the gaps report; measured once a gaps API is merged (another branch).</summary>
    public static string? Gaps(object model)
    {
        _ = model;
        return null;
    }

    /// <summary>Workloads in the model (the analysis' unit), or -1 without a model.</summary>
    public static int Workloads(object? model) => model is null ? -1 : 0;
}
