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
    /// first (ties in source order). Among equally short paths, the one through the first edges (node order, then the
    /// order of edge kinds in RBAC.md section 3) is kept.
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
            if (node.Kind == RbacSubject.ServiceAccount && Identity.AccountsOf(node.Namespace!) is var hub && depth.TryAdd(hub, d))
            {
                Reach(hub, node, d);
            }

            if (node.Kind == RbacSubject.ServiceAccount && !graph.Options.PrivilegedNamespaces.Contains(node.Namespace!) && depth.TryAdd(Identity.AllAccounts, d))
            {
                Reach(Identity.AllAccounts, node, d);
            }
        }

        void Reach(Identity node, Identity account, int d)
        {
            foreach (var edge in reverse.GetValueOrDefault(node) ?? [])
            {
                if (depth.TryAdd(edge.From, d + 1))
                {
                    next[edge.From] = edge.To == Identity.AllAccounts ? edge with { To = account, Scope = account.Namespace! }
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

    /// <summary>The default sources: every node but system:masters, without system subjects unless asked for.</summary>
    public static IEnumerable<Identity> DefaultSources(EscalationGraph graph, PathOptions options) =>
        graph.Nodes.Where(n => n != Identity.Masters && (options.IncludeSystemSubjects || !n.IsSystem));
}
