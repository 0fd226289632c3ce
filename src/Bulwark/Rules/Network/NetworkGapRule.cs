using System.Runtime.CompilerServices;
using Bulwark.Network.Analysis;
using Bulwark.Network.Gaps;
using Bulwark.Network.Model;

namespace Bulwark.Rules.Network;

/// <summary>
/// A scan rule for one kind of NetworkPolicy coverage gap, backed by the NetworkPolicy analyser (`bulwark netpol
/// gaps`): it reports the analyser's gaps of its kind, with their own severity, at the Namespace, workload or policy
/// field where they are located. The network model, the evaluator and the gap report are built once per scan
/// (cached per inventory and parameters) and shared by every rule of the family.
/// </summary>
public abstract class NetworkGapRule : Rule
{
    private static readonly ConditionalWeakTable<Model.Inventory, Cached> Cache = new();

    /// <summary>The gap kind this rule reports.</summary>
    protected abstract GapKind Kind { get; }

    /// <summary>Text shared by every rule's rationale: how the analysis reads the input.</summary>
    protected const string AnalysisNote =
        "The analysis follows Kubernetes' NetworkPolicy semantics exactly (bulwark netpol; docs/netpol.md): policyTypes defaulted as the API server does, " +
        "invalid policies skipped as the API server would reject them, objects without a namespace in default, workloads standing for their pods, " +
        "hostNetwork pods left out (policy effect unknown), and admin-tier policies counted once their tiers are evaluated.";

    public override void Check(RuleContext context)
    {
        foreach (var gap in Report(context).OfKind(Kind))
        {
            if (gap.Severity == Findings.Severity.Info)
            {
                continue; // listed by `bulwark netpol gaps` for review, not a finding (a strict allow-list into a sensitive namespace)
            }

            context.Report(gap.Object, gap.Pointer, gap.Message, gap.Severity);
        }
    }

    private static GapReport Report(RuleContext context)
    {
        var parameters = context.Parameters;
        if (Cache.TryGetValue(context.Inventory, out var cached) && ReferenceEquals(cached.Parameters, parameters))
        {
            return cached.Report;
        }

        var model = NetworkModel.Build(context.Inventory);
        var evaluator = new PolicyEvaluator(model);
        var options = new GapOptions
        {
            SensitiveNamespaces = parameters.SensitiveNamespaces,
            ClusterCidrs = GapOptions.TryParseCidrs(parameters.ClusterCidrs, out var cidrs, out _) ? cidrs : GapOptions.Default.ClusterCidrs,
        };
        var report = GapAnalyzer.Analyze(evaluator, options);
        Cache.AddOrUpdate(context.Inventory, new Cached(parameters, report));
        return report;
    }

    private sealed record Cached(Config.RuleParameters Parameters, GapReport Report);
}
