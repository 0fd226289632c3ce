using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Engine;

namespace Bulwark.Audit.Policy;

/// <summary>A request a detection rule can match, and the stages of it the rule can judge.</summary>
public sealed record RuleProbe(RequestAttributes Request, IReadOnlyList<string> Stages);

/// <summary>The probes of one rule, and how they were chosen.</summary>
public sealed record RuleProbeSet(IReadOnlyList<RuleProbe> Probes, ProbeScope Scope, string? Note);

/// <summary>How a rule's probes were chosen.</summary>
public enum ProbeScope
{
    /// <summary>From the resources the rule declares (its resources: metadata).</summary>
    Declared,

    /// <summary>From the resources its condition tests (ka.target.resource), in every API group that has them.</summary>
    Condition,

    /// <summary>The rule can match any request: a sample of requests, minus the noise shapes.</summary>
    Sample,
}

/// <summary>
/// Builds the probes of a detection rule: every combination of the resources it needs (declared, else read from its
/// condition, else a sample of the whole API), the verbs it looks at, namespaces (an application's, default,
/// kube-system, kube-public and those its condition names; "" for cluster-scoped resources), callers (a set of
/// representative identities plus those its condition names) and the stages the request produces that the rule
/// judges, kept when the rule's condition can hold for it and no exception surely suppresses it.
/// </summary>
internal sealed class RuleProbeBuilder(ProbeConditionEvaluator evaluator)
{
    private readonly record struct Target(ApiResource Resource, IReadOnlyList<string> Verbs, IReadOnlyList<string> Names);

    public RuleProbeSet Build(CompiledRule rule)
    {
        var def = rule.Definition;
        var condition = evaluator.Parse(def.Condition.Text);
        var exceptions = def.Exceptions.Select(x => evaluator.Parse(x.Condition.Text)).ToList();
        var literals = new ConditionLiterals();
        evaluator.Harvest(condition, literals);

        var identities = ApiCatalog.Identities.ToList();
        foreach (var user in literals.Users.Where(u => identities.All(i => i.User != u)))
        {
            identities.Add(ProbeIdentity.For(user));
        }

        string? note = null;
        ProbeScope scope;
        List<Target> targets;
        var paths = new List<string>();
        if (def.Resources.Count > 0)
        {
            scope = ProbeScope.Declared;
            targets = DeclaredTargets(rule);
        }
        else if (rule.Resources is { } resources)
        {
            scope = ProbeScope.Condition;
            targets = [];
            foreach (var name in resources.Order(StringComparer.Ordinal))
            {
                var known = ApiCatalog.Find(name).Where(r => rule.Subresources is null || rule.Subresources.Contains(r.Subresource.Length == 0 ? ConditionFacts.Absent : r.Subresource)).ToList();
                if (known.Count == 0)
                {
                    note = $"its condition names resources the API catalogue does not know ({name}); probed in the core group, namespaced and cluster-scoped: declare resources: in the rule to probe the right group";
                    var subs = rule.Subresources?.Select(s => s == ConditionFacts.Absent ? string.Empty : s) ?? [string.Empty];
                    known = [.. subs.Select(s => new ApiResource(string.Empty, name, s, true, ApiCatalog.StandardVerbs)),
                        .. subs.Select(s => new ApiResource(string.Empty, name, s, false, ApiCatalog.StandardVerbs))];
                }

                targets.AddRange(known.Select(r => new Target(r, Verbs(rule, r), [])));
            }
        }
        else
        {
            scope = ProbeScope.Sample;
            targets = [.. ApiCatalog.Resources.Select(r => new Target(r, Verbs(rule, r), []))];
            paths.AddRange(ApiCatalog.SamplePaths);
            paths.AddRange(literals.Paths.Where(p => !paths.Contains(p)));
        }

        var namespaces = (scope == ProbeScope.Sample ? ApiCatalog.SampleNamespaces : ApiCatalog.Namespaces).Concat(literals.Namespaces).Distinct(StringComparer.Ordinal).ToList();
        var probes = new List<RuleProbe>();
        var fields = new ProbeFields();
        var ruleStages = rule.Stages;

        void Consider(RequestAttributes request, string? eventName, bool nameKnown)
        {
            if (scope == ProbeScope.Sample && NoiseRules.IsNoise(request))
            {
                return;
            }

            Fill(fields, request, eventName, nameKnown);
            List<string>? stages = null;
            foreach (var stage in PossibleStages(request))
            {
                if (ruleStages is not null && !ruleStages.Contains(stage))
                {
                    continue;
                }

                fields.Set("ka.stage", stage);
                fields.Set("jevt.value[/stage]", stage);
                if (evaluator.Evaluate(condition, fields) == Tri.False || exceptions.Any(x => evaluator.Evaluate(x, fields) == Tri.True))
                {
                    continue;
                }

                (stages ??= []).Add(stage);
            }

            if (stages is not null)
            {
                probes.Add(new RuleProbe(request, stages));
            }
        }

        foreach (var target in targets)
        {
            var r = target.Resource;
            foreach (var verb in target.Verbs)
            {
                var collection = r.Subresource.Length == 0 && ApiCatalog.IsCollectionVerb(verb);
                var names = collection ? [string.Empty] : target.Names.Count > 0 ? target.Names : literals.Names.Append(ApiCatalog.ProbeName).Distinct(StringComparer.Ordinal).ToList();
                foreach (var identity in identities)
                {
                    foreach (var name in names)
                    {
                        if (r.Resource == "namespaces" && r.Group.Length == 0)
                        {
                            // A namespace's own namespace is its name (the API server's request info and objectRef).
                            foreach (var ns in collection ? [string.Empty] : namespaces.Append(name).Distinct(StringComparer.Ordinal))
                            {
                                Consider(Request(identity, verb, r, ns, collection ? string.Empty : ns), collection ? null : ns, verb != "create" || !collection);
                            }

                            continue;
                        }

                        foreach (var ns in r.Namespaced ? namespaces : [string.Empty])
                        {
                            Consider(Request(identity, verb, r, ns, name), collection ? null : name, verb != "create" || !collection);
                        }
                    }
                }
            }
        }

        var pathVerbs = rule.Verbs is { } v ? v.ToList() : ["get"];
        foreach (var path in paths)
        {
            foreach (var verb in pathVerbs)
            {
                foreach (var identity in identities)
                {
                    Consider(new RequestAttributes { User = identity.User, Groups = identity.Groups, Verb = verb, IsResourceRequest = false, Path = path }, null, true);
                }
            }
        }

        return new RuleProbeSet(probes, scope, note);
    }

    private static List<Target> DeclaredTargets(CompiledRule rule)
    {
        var targets = new List<Target>();
        foreach (var selector in rule.Definition.Resources)
        {
            foreach (var entry in selector.Resources)
            {
                var slash = entry.IndexOf('/');
                var (res, sub) = slash < 0 ? (entry, string.Empty) : (entry[..slash], entry[(slash + 1)..]);
                IEnumerable<ApiResource> matched = ApiCatalog.Resources.Where(r => r.Group == selector.Group && PolicyEvaluator.ResourceMatches(entry, r.Resource, r.Subresource));
                var list = matched.ToList();
                if (list.Count == 0)
                {
                    // Not in the catalogue (a custom resource, or a pattern): probe it as written, in both scopes.
                    var resource = res == "*" ? "probe-resources" : res;
                    var subresource = sub == "*" ? string.Empty : sub;
                    list = [new ApiResource(selector.Group, resource, subresource, true, ApiCatalog.StandardVerbs), new ApiResource(selector.Group, resource, subresource, false, ApiCatalog.StandardVerbs)];
                }

                targets.AddRange(list.Select(r => new Target(r, Verbs(rule, r), selector.ResourceNames)));
            }
        }

        return targets;
    }

    /// <summary>The rule's verbs (declared, else from its condition) that the resource serves; all the resource's verbs when the rule names none.</summary>
    private static List<string> Verbs(CompiledRule rule, ApiResource resource)
    {
        IEnumerable<string>? wanted = rule.Definition.Verbs.Count > 0 ? rule.Definition.Verbs : rule.Verbs;
        if (wanted is null)
        {
            return [.. resource.Verbs];
        }

        var served = wanted.Where(resource.Verbs.Contains).ToList();
        return served.Count > 0 || rule.Definition.Resources.Count == 0 ? served : [.. wanted];
    }

    private static RequestAttributes Request(ProbeIdentity identity, string verb, ApiResource r, string ns, string name) => new()
    {
        User = identity.User,
        Groups = identity.Groups,
        Verb = verb,
        ApiGroup = r.Group,
        Resource = r.Resource,
        Subresource = r.Subresource,
        Namespace = ns,
        Name = name,
    };

    private static IEnumerable<string> PossibleStages(RequestAttributes request)
    {
        yield return AuditStages.RequestReceived;
        if (request.IsResourceRequest && ApiCatalog.IsLongRunning(request.Verb, request.Subresource))
        {
            yield return AuditStages.ResponseStarted;
        }

        yield return AuditStages.ResponseComplete;
    }

    /// <summary>What the probe's event is known to carry. The query string is unknown, so ka.uri is; ka.uri.path is not.</summary>
    private static void Fill(ProbeFields f, RequestAttributes r, string? eventName, bool nameKnown)
    {
        f.Set("ka.user.name", r.User);
        f.Set("jevt.value[/user/username]", r.User);
        f.Set("ka.user.groups", r.Groups.ToArray());
        f.Set("ka.verb", r.Verb);
        f.Set("jevt.value[/verb]", r.Verb);
        if (!r.IsResourceRequest)
        {
            foreach (var key in new[] { "ka.target.resource", "ka.target.subresource", "ka.target.namespace", "ka.target.name", "ka.target.apigroup", "ka.req.configmap.name" })
            {
                f.Set(key, null);
            }

            foreach (var key in new[] { "resource", "subresource", "namespace", "name", "apiGroup" })
            {
                f.Set($"jevt.value[/objectRef/{key}]", null);
            }

            f.Set("ka.uri.path", r.Path);
            return;
        }

        string? Opt(string s) => s.Length > 0 ? s : null;
        f.Set("ka.target.resource", r.Resource);
        f.Set("jevt.value[/objectRef/resource]", r.Resource);
        f.Set("ka.target.subresource", Opt(r.Subresource));
        f.Set("jevt.value[/objectRef/subresource]", Opt(r.Subresource));
        f.Set("ka.target.apigroup", r.ApiGroup);
        f.Set("jevt.value[/objectRef/apiGroup]", Opt(r.ApiGroup));
        var isNamespace = r.Resource == "namespaces" && r.ApiGroup.Length == 0;
        foreach (var key in new[] { "ka.target.namespace", "jevt.value[/objectRef/namespace]" })
        {
            if (isNamespace && !nameKnown)
            {
                f.Forget(key);
            }
            else
            {
                f.Set(key, isNamespace ? eventName : Opt(r.Namespace));
            }
        }

        foreach (var key in new[] { "ka.target.name", "ka.req.configmap.name", "jevt.value[/objectRef/name]" })
        {
            if (nameKnown)
            {
                f.Set(key, eventName);
            }
            else
            {
                f.Forget(key);
            }
        }

        f.Set("ka.uri.path", UriPath(r));
    }

    private static string UriPath(RequestAttributes r)
    {
        var path = r.ApiGroup.Length == 0 ? "/api/v1" : $"/apis/{r.ApiGroup}/v1";
        if (r.Namespace.Length > 0 && r.Resource != "namespaces")
        {
            path += "/namespaces/" + r.Namespace;
        }

        path += "/" + r.Resource;
        if (r.Name.Length > 0)
        {
            path += "/" + r.Name;
        }

        return r.Subresource.Length > 0 ? path + "/" + r.Subresource : path;
    }
}
