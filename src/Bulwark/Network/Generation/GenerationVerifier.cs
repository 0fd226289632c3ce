using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>
/// The result of checking a generated set by analysing it: the intended connections in scope, and the connections
/// where the analysis of input + generated policies differs from them (<see cref="ChangeKind.Added"/>: allowed but not
/// intended; <see cref="ChangeKind.Removed"/>: intended but not allowed; <see cref="ChangeKind.Changed"/>: other ports).
/// </summary>
public sealed class GenerationVerification
{
    internal GenerationVerification(int intended, IReadOnlyList<ConnectionChange> differences, IReadOnlySet<WorkloadRef> hostNetwork)
    {
        IntendedCount = intended;
        Differences = differences;
        HostNetwork = hostNetwork;
    }

    /// <summary>How many connections (pairs, and external address groups) are intended within the governed namespaces.</summary>
    public int IntendedCount { get; }

    public IReadOnlyList<ConnectionChange> Differences { get; }

    /// <summary>hostNetwork workloads: their connections are not computed, so intended ones show as not allowed.</summary>
    public IReadOnlySet<WorkloadRef> HostNetwork { get; }

    public bool Verified => Differences.Count == 0;

    /// <summary>One line per difference, for humans.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var d in Differences)
        {
            var note = (d.Source, d.Destination) switch
            {
                (WorkloadEndpoint s, _) when HostNetwork.Contains(s.Workload.Ref) => " (hostNetwork: policy effect unknown)",
                (_, WorkloadEndpoint t) when HostNetwork.Contains(t.Workload.Ref) => " (hostNetwork: policy effect unknown)",
                _ => string.Empty,
            };
            yield return d.Kind switch
            {
                ChangeKind.Added => $"allowed but not intended: {d.Source} -> {d.Destination}: {d.After}{note}",
                ChangeKind.Removed => $"intended but not allowed: {d.Source} -> {d.Destination}: {d.Before}{note}",
                _ => $"allowed differs from intended: {d.Source} -> {d.Destination}: intended {d.Before}, allowed {d.After}{note}",
            };
        }
    }
}

/// <summary>
/// Checks generated policies by analysing them: the input objects (their own NetworkPolicies included, since they stay
/// in force; a generated policy replaces an input policy of the same namespace and name, as applying it would) plus the
/// generated policies are analysed, and the allowed connections with an end in a governed namespace are compared with
/// the intended ones. An intended connection from anywhere stands for every external address and for every workload
/// whose egress the generated policies do not govern (outside the governed namespaces).
/// </summary>
public static class GenerationVerifier
{
    public static GenerationVerification Verify(IReadOnlyList<KubeObject> input, GenerationResult result, AnalysisOptions? options = null)
    {
        var yaml = GeneratedPolicyWriter.ToYamlStream(result.Policies, []);
        var load = new ManifestLoader().LoadText(yaml, "<generated>");
        if (load.Errors.Count > 0)
        {
            throw new InvalidOperationException($"the generated policies do not parse: {load.Errors[0]}");
        }

        var replaced = result.Policies.Select(p => (p.Namespace, p.Name)).ToHashSet();
        var objects = input.Where(o => !(NetworkPolicyReader.IsNetworkPolicy(o) && replaced.Contains((o.Namespace ?? "default", o.Name))))
            .Concat(load.Objects).ToList();
        var model = NetworkModel.Build(objects);
        if (model.Problems.FirstOrDefault(p => p.IsError && p.Object?.Origin.File.Path == "<generated>") is { } problem)
        {
            throw new InvalidOperationException($"a generated policy is invalid: {problem.Message}");
        }

        var evaluator = new PolicyEvaluator(model, options ?? AnalysisOptions.Default);
        var report = ConnectivityAnalyzer.Analyze(evaluator);
        var governed = result.Governed;
        bool InScope(Endpoint e) => e is WorkloadEndpoint w && governed.Contains(w.Workload.Namespace);

        var byRef = model.Workloads.ToDictionary(w => w.Ref);
        var intended = new List<Connection>();
        foreach (var intent in result.Intents)
        {
            var connections = intent.Connections;
            foreach (var source in Sources(intent.Source, intent.Destination, model, governed, byRef))
            {
                if (Endpoint(intent.Destination, byRef) is not { } destination || source == destination)
                {
                    continue;
                }

                intended.Add(new Connection(source, destination, connections));
            }
        }

        intended = intended.Where(c => InScope(c.Source) || InScope(c.Destination)).ToList();
        var actual = report.Connections.Where(c => InScope(c.Source) || InScope(c.Destination));
        var diff = ConnectivityDiff.Compare(intended, actual);
        var count = intended.Select(c => (ConnectivityKey(c.Source), ConnectivityKey(c.Destination))).Distinct().Count();
        return new GenerationVerification(count, diff.Changes, model.Workloads.Where(w => w.HostNetwork).Select(w => w.Ref).ToHashSet());
    }

    private static string ConnectivityKey(Endpoint endpoint) => endpoint switch
    {
        WorkloadEndpoint w => w.Workload.Ref.ToString(),
        ExternalEndpoint x => "external " + x.Addresses,
        _ => string.Empty,
    };

    private static Endpoint? Endpoint(IntentEnd end, Dictionary<WorkloadRef, Workload> byRef) => end switch
    {
        WorkloadEnd w => byRef.TryGetValue(w.Workload.Ref, out var found) ? new WorkloadEndpoint(found) : null,
        AddressEnd a => new ExternalEndpoint(a.Addresses),
        _ => null,
    };

    private static IEnumerable<Endpoint> Sources(IntentEnd source, IntentEnd destination, NetworkModel model, IReadOnlySet<string> governed,
        Dictionary<WorkloadRef, Workload> byRef)
    {
        if (source is not AnywhereEnd)
        {
            if (Endpoint(source, byRef) is { } e)
            {
                yield return e;
            }

            yield break;
        }

        yield return new ExternalEndpoint(IpRangeSet.All);
        var target = destination is WorkloadEnd d ? d.Workload.Ref : null;
        foreach (var w in model.Workloads.Where(w => !w.HostNetwork && !governed.Contains(w.Namespace) && w.Ref != target))
        {
            yield return new WorkloadEndpoint(w);
        }
    }
}
