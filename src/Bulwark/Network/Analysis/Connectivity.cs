using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Analysis;

/// <summary>One allowed connection: from a source to a destination, the connections (protocols and ports) allowed.</summary>
public sealed record Connection(Endpoint Source, Endpoint Destination, ConnectionSet Allowed)
{
    public override string ToString() => $"{Source} -> {Destination} : {Allowed}";
}

/// <summary>Filters of a connectivity report. Null fields do not filter.</summary>
public sealed record ConnectivityQuery
{
    public static ConnectivityQuery All { get; } = new();

    /// <summary>Only connections from or to this workload.</summary>
    public Workload? Focus { get; init; }

    /// <summary>Only connections with an end in this namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only these connections (for example port 443 of any protocol); each connection is cut to them.</summary>
    public ConnectionSet? Connections { get; init; }
}

/// <summary>Every allowed connection of a model under the assumptions, with what the analysis could not judge.</summary>
public sealed class ConnectivityReport
{
    internal ConnectivityReport(IReadOnlyList<(string Name, string Value)> assumptions, IReadOnlyList<Connection> connections,
        IReadOnlyList<Workload> policyEffectUnknown, IReadOnlyList<OtherPolicyObject> notEvaluated, IReadOnlyList<string> warnings,
        IReadOnlyList<NetworkProblem> errors)
    {
        Assumptions = assumptions;
        Connections = connections;
        PolicyEffectUnknown = policyEffectUnknown;
        NotEvaluated = notEvaluated;
        Warnings = warnings;
        Errors = errors;
    }

    public IReadOnlyList<(string Name, string Value)> Assumptions { get; }

    /// <summary>Allowed connections: workload to workload, workload to external, external to workload, in report order.</summary>
    public IReadOnlyList<Connection> Connections { get; }

    /// <summary>Workloads whose connections are not computed (hostNetwork pods: policy effect unknown).</summary>
    public IReadOnlyList<Workload> PolicyEffectUnknown { get; }

    /// <summary>Recognised policy objects that no tier evaluates: their effect is missing from the report.</summary>
    public IReadOnlyList<OtherPolicyObject> NotEvaluated { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Invalid policies (skipped: the API server would reject them).</summary>
    public IReadOnlyList<NetworkProblem> Errors { get; }
}

/// <summary>Computes the connectivity report: every allowed connection between workloads and to or from external addresses.</summary>
public static class ConnectivityAnalyzer
{
    public static ConnectivityReport Analyze(PolicyEvaluator evaluator, ConnectivityQuery? query = null)
    {
        query ??= ConnectivityQuery.All;
        var universe = evaluator.Universe;
        var pool = universe.Pool;
        var classes = universe.Classes;
        var atoms = universe.External.Atoms;
        var filter = query.Connections is null ? null : pool.Intern(query.Connections);
        var endpoints = new Dictionary<Workload, WorkloadEndpoint>();
        WorkloadEndpoint EndpointOf(Workload w)
        {
            if (!endpoints.TryGetValue(w, out var e))
            {
                endpoints[w] = e = new WorkloadEndpoint(w);
            }

            return e;
        }

        bool Relevant(Workload w) =>
            (query.Focus is null || query.Focus == w) && (query.Namespace is null || query.Namespace == w.Namespace);

        var relevant = classes.Select(c => c.Members.Any(Relevant)).ToArray();
        var pairOnly = query.Focus is not null || query.Namespace is not null;
        var connections = new List<Connection>();
        var external = new List<Connection>();
        for (var s = 0; s < classes.Count; s++)
        {
            var src = classes[s];
            for (var d = 0; d < classes.Count; d++)
            {
                if (pairOnly && !relevant[s] && !relevant[d])
                {
                    continue;
                }

                var dst = classes[d];
                var allowed = evaluator.Allowed(src, dst);
                if (filter is not null)
                {
                    allowed = pool.Intersect(allowed, filter);
                }

                if (allowed.IsEmpty)
                {
                    continue;
                }

                foreach (var ws in src.Members)
                {
                    foreach (var wd in dst.Members)
                    {
                        if ((ws != wd || evaluator.Options.IncludeSelf) && (!pairOnly || Relevant(ws) || Relevant(wd)))
                        {
                            connections.Add(new Connection(EndpointOf(ws), EndpointOf(wd), allowed));
                        }
                    }
                }
            }

            if (pairOnly && !relevant[s])
            {
                continue;
            }

            // Egress to external addresses, and ingress from them, grouped by identical connections.
            foreach (var direction in new[] { true, false })
            {
                var groups = new Dictionary<ConnectionSet, List<IpRange>>();
                for (var a = 0; a < atoms.Count; a++)
                {
                    var allowed = evaluator.DirectionalExternal(direction ? Policies.TrafficDirection.Egress : Policies.TrafficDirection.Ingress, src, a);
                    if (filter is not null)
                    {
                        allowed = pool.Intersect(allowed, filter);
                    }

                    if (allowed.IsEmpty)
                    {
                        continue;
                    }

                    if (!groups.TryGetValue(allowed, out var ranges))
                    {
                        groups[allowed] = ranges = new List<IpRange>();
                    }

                    ranges.Add(atoms[a]);
                }

                foreach (var (allowed, ranges) in groups)
                {
                    var ext = new ExternalEndpoint(IpRangeSet.FromRanges(ranges));
                    foreach (var w in src.Members.Where(w => !pairOnly || Relevant(w)))
                    {
                        external.Add(direction ? new Connection(EndpointOf(w), ext, allowed) : new Connection(ext, EndpointOf(w), allowed));
                    }
                }
            }
        }

        connections.AddRange(external);
        connections.Sort((x, y) =>
        {
            var c = Endpoint.Compare(x.Source, y.Source);
            return c != 0 ? c : Endpoint.Compare(x.Destination, y.Destination);
        });

        var unknown = evaluator.Model.Workloads.Where(w => w.HostNetwork && (!pairOnly || Relevant(w))).ToList();
        return new ConnectivityReport(evaluator.Assumptions, connections, unknown, evaluator.NotEvaluated, evaluator.Warnings,
            evaluator.Model.Problems.Where(p => p.IsError).ToList());
    }
}
