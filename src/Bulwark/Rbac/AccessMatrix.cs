namespace Bulwark.Rbac;

/// <summary>One row of an access matrix: what (a resource, or a subject) and the verbs allowed.</summary>
public sealed record AccessRow(string Label, IReadOnlyDictionary<string, bool> Verbs);

/// <summary>
/// Offline rakkess-style matrices computed from the model with the authorizer's semantics (RBAC.md 1.9): for one
/// subject, resources × verbs; for one resource, subjects × verbs.
/// </summary>
public static class AccessMatrix
{
    /// <summary>
    /// The resources of a matrix: the common built-in ones, plus every concrete (group, resource) named in the
    /// subject's rules (a rule with group <c>*</c> names a known resource in its known group, or is listed under <c>*</c>).
    /// With a namespace, only namespaced (or unknown) resources; cluster-wide, all.
    /// </summary>
    public static IReadOnlyList<KnownResource> Resources(IEnumerable<Grant> grants, bool namespaced)
    {
        var set = new List<KnownResource>(KnownResources.All);
        var seen = new HashSet<(string, string)>(set.Select(r => (r.Group, r.Resource)));
        foreach (var rule in grants.Select(g => g.Rule))
        {
            foreach (var resource in rule.Resources.Where(r => r != RuleMatching.All && !r.StartsWith("*/", StringComparison.Ordinal)))
            {
                foreach (var group in rule.ApiGroups)
                {
                    var g = group;
                    if (group == RuleMatching.All)
                    {
                        var baseName = resource.Split('/')[0];
                        if (KnownResources.All.Any(k => k.Resource == baseName))
                        {
                            continue; // already a row in its known group
                        }
                    }

                    if (seen.Add((g, resource)))
                    {
                        var known = KnownResources.Find(g, resource.Split('/')[0]);
                        set.Add(new KnownResource(g, resource, known?.Namespaced ?? true));
                    }
                }
            }
        }

        return set.Where(r => !namespaced || r.Namespaced)
            .OrderBy(r => r.Resource, StringComparer.Ordinal).ThenBy(r => r.Group, StringComparer.Ordinal).ToList();
    }

    /// <summary>resources × verbs for one user in a namespace ("" = cluster-wide: ClusterRoleBindings only).</summary>
    public static IReadOnlyList<AccessRow> ForSubject(RbacModel model, UserInfo user, string @namespace, IReadOnlyList<string>? verbs = null)
    {
        verbs ??= KnownResources.MatrixVerbs;
        var grants = model.RulesFor(user, @namespace);
        var rows = new List<AccessRow>();
        var masters = user.Groups.Contains(UserInfo.Masters);
        foreach (var resource in Resources(grants, @namespace.Length > 0))
        {
            var (name, sub) = Split(resource.Resource);
            var cells = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var verb in verbs)
            {
                var request = RequestAttributes.ForResource(verb, resource.Group, name, sub, string.Empty, resource.Namespaced ? @namespace : string.Empty);
                cells[verb] = masters || grants.Any(g => (g.Binding.IsClusterRoleBinding || request.Namespace.Length > 0) && RuleMatching.Allows(g.Rule, request));
            }

            rows.Add(new AccessRow(resource.ToString(), cells));
        }

        return rows;
    }

    /// <summary>subjects × verbs for one resource (as who-can per verb, pivoted); system:masters is left out (it has everything).</summary>
    public static IReadOnlyList<AccessRow> ForResource(RbacModel model, RequestAttributes template, bool allNamespaces, IReadOnlyList<string>? verbs = null)
    {
        verbs ??= KnownResources.MatrixVerbs;
        var bySubject = new SortedDictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var verb in verbs)
        {
            foreach (var s in model.WhoCan(template with { Verb = verb }, allNamespaces).Subjects)
            {
                var label = s.Kind == RbacSubject.ServiceAccount ? $"ServiceAccount {(s.Namespace is null ? string.Empty : s.Namespace + "/")}{s.Name}" : $"{s.Kind} {s.Name}";
                if (!bySubject.TryGetValue(label, out var cells))
                {
                    bySubject[label] = cells = verbs.ToDictionary(v => v, _ => false, StringComparer.Ordinal);
                }

                cells[verb] = true;
            }
        }

        return bySubject.Select(kv => new AccessRow(kv.Key, kv.Value)).ToList();
    }

    /// <summary>Splits "resource/subresource".</summary>
    public static (string Resource, string Subresource) Split(string text)
    {
        var slash = text.IndexOf('/');
        return slash < 0 ? (text, string.Empty) : (text[..slash], text[(slash + 1)..]);
    }
}
