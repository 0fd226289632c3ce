namespace Bulwark.Rbac.Paths;

/// <summary>
/// Shortest escalation paths to a target: one breadth-first search backwards from the target over the whole graph
/// gives every node its distance and its first step, so a path for every subject costs one search (RBAC.md section 3:
/// paths stop at cluster-admin-equivalent power).
/// </summary>
public static class PathFinder
{
    /// <summary>
    /// The shortest path from each source that can reach <paramref name="target"/> within the depth bound, shortest
    /// first (ties in source order). Among equally short paths, one through unconditional steps wins, then the one
    /// through the first edges (node order, then the order of edge kinds in RBAC.md section 3).
    /// </summary>
    public static IReadOnlyList<EscalationPath> Find(EscalationGraph graph, Identity target, IEnumerable<Identity> sources, PathOptions options)
    {
        var full = !target.IsTarget;
        var reverse = new Dictionary<Identity, List<EscalationEdge>>();
        foreach (var node in graph.Nodes)
        {
            foreach (var edge in graph.EdgesFrom(node, full))
            {
                if (!reverse.TryGetValue(edge.To, out var list))
                {
                    reverse[edge.To] = list = new();
                }

                list.Add(edge);
            }
        }

        // Among equally short paths, unconditional steps win (a stable sort keeps node and edge-kind order otherwise).
        foreach (var key in reverse.Keys.ToList())
        {
            reverse[key] = reverse[key].OrderBy(e => e.Condition is null ? 0 : 1).ToList();
        }

        var next = new Dictionary<Identity, EscalationEdge>();
        var depth = new Dictionary<Identity, int> { [target] = 0 };
        var queue = new Queue<Identity>();
        queue.Enqueue(target);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var d = depth[node];
            if (d >= options.MaxDepth)
            {
                continue;
            }

            Reach(node, node, d);

            // The first account of a namespace reached is the nearest: the namespace's hub reaches it at no cost.
            if (node.Kind != RbacSubject.ServiceAccount)
            {
                continue;
            }

            var ordinary = !graph.Options.PrivilegedNamespaces.Contains(node.Namespace!);
            foreach (var hub in Hubs(node, ordinary, graph.RunsPods(node)))
            {
                if (depth.TryAdd(hub, d))
                {
                    Reach(hub, node, d);
                }
            }
        }

        void Reach(Identity node, Identity account, int d)
        {
            foreach (var edge in reverse.GetValueOrDefault(node) ?? [])
            {
                if (depth.TryAdd(edge.From, d + 1))
                {
                    next[edge.From] = edge.To.IsHub && edge.To.Namespace == Identity.AllNamespaces ? edge with { To = account, Scope = account.Namespace! }
                        : edge.To.IsHub ? edge with { To = account } : edge;
                    queue.Enqueue(edge.From);
                }
            }
        }

        var paths = new List<EscalationPath>();
        foreach (var source in sources.Distinct())
        {
            if (source == target || !next.ContainsKey(source))
            {
                continue;
            }

            var steps = new List<EscalationEdge>();
            for (var at = source; at != target; at = steps[^1].To)
            {
                steps.Add(next[at]);
            }

            paths.Add(new EscalationPath(source, steps));
        }

        return paths.OrderBy(p => p.Steps.Count).ThenBy(p => p.From).ToList();
    }

    /// <summary>The hubs an account belongs to: its namespace's, every ordinary namespace's, and the same for pod accounts.</summary>
    private static IEnumerable<Identity> Hubs(Identity account, bool ordinary, bool runsPods)
    {
        yield return Identity.AccountsOf(account.Namespace!);
        if (ordinary)
        {
            yield return Identity.AllAccounts;
        }

        if (runsPods)
        {
            yield return Identity.PodAccountsOf(account.Namespace!);
            if (ordinary)
            {
                yield return Identity.PodAccountsOf(Identity.AllNamespaces);
            }
        }
    }

    /// <summary>The default sources: every node but system:masters, without system subjects unless asked for.</summary>
    public static IEnumerable<Identity> DefaultSources(EscalationGraph graph, PathOptions options) =>
        graph.Nodes.Where(n => n != Identity.Masters && (options.IncludeSystemSubjects || !n.IsSystem));
}
