using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Policy;

/// <summary>How much the generated policy logs beyond what the rules need.</summary>
public enum PolicyProfile
{
    /// <summary>Only what the enabled rules need (a rule that looks at every request still needs every request).</summary>
    Minimal,

    /// <summary>What the rules need, plus every other request at Metadata.</summary>
    Recommended,

    /// <summary>Request bodies of reads and request and response bodies of writes, except for secrets, config maps and tokens.</summary>
    Forensic,
}

/// <summary>What the generator does with ConfigMap writes: log their bodies (Request) or only their metadata.</summary>
public enum ConfigMapBodies
{
    Request,
    Metadata,
}

public sealed record PolicyGeneratorOptions
{
    public PolicyProfile Profile { get; init; } = PolicyProfile.Recommended;

    public ConfigMapBodies ConfigMaps { get; init; } = ConfigMapBodies.Request;
}

/// <summary>A rule of the generated policy, with the comment written above it and the detection rules it serves.</summary>
public sealed record GeneratedRule(AuditPolicyRule Rule, IReadOnlyList<string> Comment, IReadOnlyList<string> Serves);

/// <summary>The generated policy, its rules' comments, notes for the user, and the check of it against the pack.</summary>
public sealed record GeneratedPolicy(AuditPolicy Policy, IReadOnlyList<string> Header, IReadOnlyList<GeneratedRule> Rules, string? OmitStagesComment, IReadOnlyList<string> Notes, PolicyCheckReport Check);

/// <summary>
/// Generates an audit policy from the enabled detection rules' metadata (level, resources, verbs, stages; the
/// condition's resources and verbs when the rule declares none): the rules' needs that overlap the noise first, then
/// the noise at None, the other needs (highest level first, so a request several rules need gets the highest level),
/// sensitive resources capped at Metadata, and, by profile, broader rules and a Metadata catch-all. The result is then
/// checked against the pack with <see cref="PolicyChecker"/>: a rule it starves is reported in the notes.
/// </summary>
public static class PolicyGenerator
{
    private const string Core = "";

    private sealed record Need(AuditLevel Level, string Group, string Resource, IReadOnlyList<string> Names, IReadOnlyList<string> Verbs, string RuleId);

    public static GeneratedPolicy Generate(CompiledPack pack, PolicyGeneratorOptions? options = null, AuditTuning? tuning = null)
    {
        options ??= new PolicyGeneratorOptions();
        var notes = new List<string>();
        var enabled = pack.EnabledRules.ToList();
        var needs = new List<Need>();
        var anyRequest = new List<(AuditLevel Level, IReadOnlyList<string> Verbs, string RuleId)>();
        var receivedOnly = new HashSet<string>(StringComparer.Ordinal);

        foreach (var rule in enabled)
        {
            if (rule.Stages is { } stages && !stages.Any(s => s is AuditStages.ResponseStarted or AuditStages.ResponseComplete or AuditStages.Panic))
            {
                receivedOnly.Add(rule.Id);
            }

            var verbs = rule.Definition.Verbs.Count > 0 ? rule.Definition.Verbs : rule.Verbs?.Order(StringComparer.Ordinal).ToList() ?? [];
            var entries = Entries(rule);
            if (entries is null)
            {
                anyRequest.Add((rule.Level, verbs, rule.Id));
                continue;
            }

            foreach (var (group, resource, names) in entries)
            {
                var cap = Cap(group, resource, options);
                var level = rule.Level;
                if (level > cap)
                {
                    notes.Add($"{rule.Id} needs {resource} at {level}, but {Describe(group, resource)} are logged at {cap} at most ({CapReason(group, resource, options)}); the policy starves it on purpose");
                    level = cap;
                }

                needs.Add(new Need(level, group, resource, names, verbs, rule.Id));
            }
        }

        // Needs, merged per (level, group, resource, names), verbs united (none = every verb).
        var merged = needs
            .GroupBy(n => (n.Level, n.Group, n.Resource, Names: string.Join(",", n.Names)))
            .Select(g => new Need(g.Key.Level, g.Key.Group, g.Key.Resource, g.First().Names,
                g.Any(n => n.Verbs.Count == 0) ? [] : g.SelectMany(n => n.Verbs).Distinct().Order(StringComparer.Ordinal).ToList(),
                string.Join(",", g.Select(n => n.RuleId).Distinct().Order(StringComparer.Ordinal))))
            .SelectMany(SplitNamedCollections)
            .SelectMany(n => options.Profile == PolicyProfile.Forensic ? Forensic(n, options) : [n])
            .ToList();

        var needRules = merged
            .GroupBy(n => (n.Level, Verbs: string.Join(",", n.Verbs)))
            .Select(g => new GeneratedRule(
                new AuditPolicyRule
                {
                    Level = g.Key.Level,
                    Verbs = g.First().Verbs,
                    Resources = g.GroupBy(n => (n.Group, Names: string.Join(",", n.Names)))
                        .OrderBy(x => x.Key.Group, StringComparer.Ordinal)
                        .Select(x => new PolicyGroupResources(x.Key.Group, x.Select(n => n.Resource).Distinct().Order(StringComparer.Ordinal).ToList(), x.First().Names))
                        .ToList(),
                },
                [],
                g.SelectMany(n => n.RuleId.Split(',')).Distinct().Order(StringComparer.Ordinal).ToList()))
            .OrderByDescending(r => r.Rule.Level)
            .ThenBy(r => r.Rule.Verbs.Count == 0 ? 1 : 0)
            .ThenBy(r => string.Join(",", r.Rule.Verbs), StringComparer.Ordinal)
            .ToList();

        // Needs that overlap the noise go before it, with every need that overlaps them (so none can shadow another).
        var early = needRules.Where(n => NoiseRules.All.Any(x => MayOverlap(n.Rule, x.Rule))).ToHashSet();
        bool grew;
        do
        {
            grew = false;
            foreach (var n in needRules.Where(n => !early.Contains(n) && early.Any(e => MayOverlap(e.Rule, n.Rule))).ToList())
            {
                early.Add(n);
                grew = true;
            }
        }
        while (grew);

        var rules = new List<GeneratedRule>();
        foreach (var n in needRules.Where(early.Contains))
        {
            rules.Add(n with { Comment = ["Needed by detection rules and placed before the noise rules, which would otherwise drop some of it."] });
        }

        foreach (var noise in NoiseRules.All)
        {
            rules.Add(new GeneratedRule(noise.Rule, ["Noise, dropped: " + noise.Comment], []));
        }

        rules.AddRange(needRules.Where(n => !early.Contains(n)).Select(n => n with { Comment = NeedComment(n) }));

        var anyAboveMetadata = anyRequest.Where(a => a.Level > AuditLevel.Metadata).ToList();
        if (options.Profile != PolicyProfile.Minimal || anyAboveMetadata.Count > 0)
        {
            rules.AddRange(Caps(options));
        }

        foreach (var g in anyAboveMetadata.GroupBy(a => (a.Level, Verbs: string.Join(",", a.Verbs))).OrderByDescending(g => g.Key.Level))
        {
            rules.Add(new GeneratedRule(new AuditPolicyRule { Level = g.Key.Level, Verbs = g.First().Verbs },
                ["Rules that look at any request and read its body."], g.Select(a => a.RuleId).Order(StringComparer.Ordinal).ToList()));
        }

        if (options.Profile == PolicyProfile.Forensic)
        {
            rules.Add(new GeneratedRule(
                new AuditPolicyRule { Level = AuditLevel.Request, UserGroups = ["system:nodes"], Verbs = ["update", "patch"], Resources = [new PolicyGroupResources(Core, "nodes/status", "pods/status")] },
                ["Forensic: kubelets' status updates are frequent and large; their requests are enough."], []));
            rules.Add(new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Request, Verbs = [.. ApiCatalog.ReadVerbs] },
                ["Forensic: reads in every API group at Request (responses of lists and watches are too large to keep)."], []));
            rules.Add(new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.RequestResponse, Verbs = [.. ApiCatalog.WriteVerbs] },
                ["Forensic: writes in every API group with request and response bodies."], []));
        }

        var metadataAny = anyRequest.Where(a => a.Level <= AuditLevel.Metadata).ToList();
        if (options.Profile != PolicyProfile.Minimal)
        {
            rules.Add(new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Metadata },
                ["Catch-all: every other request at Metadata (who did what to which object, and the outcome)."],
                metadataAny.Select(a => a.RuleId).Order(StringComparer.Ordinal).ToList()));
        }
        else
        {
            foreach (var g in metadataAny.GroupBy(a => string.Join(",", a.Verbs)).OrderBy(g => g.Key.Length == 0 ? 1 : 0))
            {
                rules.Add(new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Metadata, Verbs = g.First().Verbs },
                    ["Rules that look at any request (a minimal policy still needs every request for them; disable them to log less)."],
                    g.Select(a => a.RuleId).Order(StringComparer.Ordinal).ToList()));
            }
        }

        // RequestReceived is omitted everywhere unless a rule judges only that stage.
        string? omitComment;
        IReadOnlyList<string> globalOmit;
        if (receivedOnly.Count == 0)
        {
            globalOmit = [AuditStages.RequestReceived];
            omitComment = "RequestReceived duplicates ResponseComplete (and ResponseStarted) for every request: omitted everywhere.";
        }
        else
        {
            globalOmit = [];
            omitComment = null;
            rules = rules.Select(r => r.Rule.Level == AuditLevel.None || r.Serves.Any(receivedOnly.Contains)
                ? r
                : r with { Rule = r.Rule with { OmitStages = [AuditStages.RequestReceived] } }).ToList();
            notes.Add($"RequestReceived is kept for the rules that judge only that stage ({string.Join(", ", receivedOnly.Order(StringComparer.Ordinal))}) and omitted by every other rule");
        }

        rules = rules.Select((r, i) => r with { Rule = r.Rule with { Number = i + 1 } }).ToList();
        var policy = new AuditPolicy { ApiVersion = AuditPolicy.V1, OmitStages = globalOmit, OmitManagedFields = true, Rules = rules.Select(r => r.Rule).ToList() };
        var check = PolicyChecker.Check(policy, pack, tuning);
        foreach (var starved in check.Starved)
        {
            foreach (var s in starved.Starved)
            {
                notes.Add("starved: " + s.Message);
            }
        }

        var header = new List<string>
        {
            $"Audit policy generated by `bulwark audit policy --level {options.Profile.ToString().ToLowerInvariant()}` for {enabled.Count} enabled detection rule(s).",
            "Rules are matched top to bottom and the first match decides: the needs that overlap the noise come first, then",
            "the noise (level None), then what the detection rules need, highest level first"
                + (options.Profile == PolicyProfile.Minimal ? "." : options.Profile == PolicyProfile.Forensic ? ", then forensic bodies and a Metadata catch-all." : ", then a Metadata catch-all."),
            "Secrets and token reviews are only ever logged at Metadata, so their contents never reach the log.",
            options.ConfigMaps == ConfigMapBodies.Request
                ? "ConfigMap writes are logged at Request when a rule reads their data (credentials in ConfigMaps): that data then reaches the log too; `--configmaps metadata` keeps it out and starves those rules."
                : "ConfigMaps are only logged at Metadata (`--configmaps metadata`): their data never reaches the log, and rules that read it are starved.",
            "Check a policy against the rules with `bulwark audit policy --check FILE`.",
        };
        return new GeneratedPolicy(policy, header, rules, omitComment, notes, check);
    }

    /// <summary>(group, resource entry, names) a rule needs; null when it can match any request.</summary>
    private static List<(string Group, string Resource, IReadOnlyList<string> Names)>? Entries(CompiledRule rule)
    {
        if (rule.Definition.Resources.Count > 0)
        {
            return rule.Definition.Resources.SelectMany(s => s.Resources.Select(r => (s.Group, r, s.ResourceNames))).ToList();
        }

        if (rule.Resources is not { } resources)
        {
            return null;
        }

        var result = new List<(string, string, IReadOnlyList<string>)>();
        foreach (var name in resources.Order(StringComparer.Ordinal))
        {
            var known = ApiCatalog.Find(name).Where(r => rule.Subresources is null || rule.Subresources.Contains(r.Subresource.Length == 0 ? ConditionFacts.Absent : r.Subresource)).ToList();
            if (known.Count == 0)
            {
                result.Add((Core, name, []));
                continue;
            }

            foreach (var group in known.Select(k => k.Group).Distinct())
            {
                if (rule.Subresources is null)
                {
                    result.Add((group, name + "/*", []));
                }
                else
                {
                    result.AddRange(known.Where(k => k.Group == group).Select(k => (group, k.Name, (IReadOnlyList<string>)[])));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// A request's name is empty on create, list, watch and deletecollection (the API server's request info), so a
    /// policy rule with resourceNames never matches them: a need with names and such verbs is split in two.
    /// </summary>
    private static IEnumerable<Need> SplitNamedCollections(Need need)
    {
        if (need.Names.Count == 0 || need.Resource.Contains('/'))
        {
            yield return need;
            yield break;
        }

        var collection = need.Verbs.Count == 0 ? ["create", "list", "watch", "deletecollection"] : need.Verbs.Where(ApiCatalog.IsCollectionVerb).ToList();
        if (collection.Count == 0)
        {
            yield return need;
            yield break;
        }

        yield return need with { Names = [], Verbs = collection };
        var named = need.Verbs.Where(v => !ApiCatalog.IsCollectionVerb(v)).ToList();
        if (need.Verbs.Count == 0 || named.Count > 0)
        {
            yield return need with { Verbs = named };
        }
    }

    /// <summary>Forensic: reads at Request at least, writes at RequestResponse at least, within the caps.</summary>
    private static IEnumerable<Need> Forensic(Need need, PolicyGeneratorOptions options)
    {
        var cap = Cap(need.Group, need.Resource, options);
        var verbs = need.Verbs.Count == 0 ? [.. ApiCatalog.StandardVerbs] : need.Verbs;
        var reads = verbs.Where(ApiCatalog.ReadVerbs.Contains).ToList();
        var writes = verbs.Where(v => !ApiCatalog.ReadVerbs.Contains(v)).ToList();
        if (reads.Count > 0)
        {
            yield return need with { Level = Max(need.Level, Min(AuditLevel.Request, cap)), Verbs = reads };
        }

        if (writes.Count > 0)
        {
            yield return need with { Level = Max(need.Level, Min(AuditLevel.RequestResponse, cap)), Verbs = writes };
        }
    }

    private static AuditLevel Max(AuditLevel a, AuditLevel b) => a > b ? a : b;

    private static AuditLevel Min(AuditLevel a, AuditLevel b) => a < b ? a : b;

    /// <summary>The highest level a resource is ever logged at: no secret material in the log.</summary>
    private static AuditLevel Cap(string group, string resource, PolicyGeneratorOptions options)
    {
        var bare = resource.Split('/')[0];
        return (group, bare, resource) switch
        {
            (Core, "secrets", _) => AuditLevel.Metadata,
            ("authentication.k8s.io", "tokenreviews", _) => AuditLevel.Metadata,
            (Core, _, "serviceaccounts/token") => AuditLevel.Request,
            (Core, "configmaps", _) => options.ConfigMaps == ConfigMapBodies.Metadata ? AuditLevel.Metadata : AuditLevel.Request,
            _ => AuditLevel.RequestResponse,
        };
    }

    private static string CapReason(string group, string resource, PolicyGeneratorOptions options) => (group, resource.Split('/')[0]) switch
    {
        (Core, "secrets") => "their bodies hold the secret values",
        ("authentication.k8s.io", "tokenreviews") => "their requests hold the bearer tokens under review",
        (Core, "serviceaccounts") => "the TokenRequest response holds the issued token",
        (Core, "configmaps") when options.ConfigMaps == ConfigMapBodies.Metadata => "--configmaps metadata",
        _ => "responses may hold credentials",
    };

    private static string Describe(string group, string resource) => group.Length == 0 ? resource : $"{resource} ({group})";

    private static IEnumerable<GeneratedRule> Caps(PolicyGeneratorOptions options)
    {
        var metadata = new List<PolicyGroupResources> { new(Core, "secrets") };
        if (options.ConfigMaps == ConfigMapBodies.Metadata)
        {
            metadata[0] = new PolicyGroupResources(Core, "configmaps", "secrets");
        }

        metadata.Add(new PolicyGroupResources("authentication.k8s.io", "tokenreviews"));
        yield return new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Metadata, Resources = metadata },
            [options.ConfigMaps == ConfigMapBodies.Metadata
                ? "Secrets, ConfigMaps and token reviews: metadata only, so secret values and tokens never reach the log."
                : "Secrets and token reviews: metadata only, so secret values and tokens never reach the log."], []);
        if (options.ConfigMaps == ConfigMapBodies.Request)
        {
            yield return new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Metadata, Resources = [new PolicyGroupResources(Core, "configmaps")] },
                ["ConfigMaps beyond the writes the rules above need: metadata only (they often hold configuration with credentials)."], []);
        }

        if (options.Profile == PolicyProfile.Forensic)
        {
            yield return new GeneratedRule(new AuditPolicyRule { Level = AuditLevel.Request, Resources = [new PolicyGroupResources(Core, "serviceaccounts/token")] },
                ["Token requests: the request only, since the response holds the issued token."], []);
        }
    }

    private static List<string> NeedComment(GeneratedRule rule) =>
        rule.Rule.Level >= AuditLevel.Request && rule.Rule.Resources.Any(g => g.Group == Core && g.Resources.Any(r => r.Split('/')[0] == "configmaps"))
            ? ["ConfigMap writes at Request: the rules below read their data (credentials left in ConfigMaps), so that data reaches the "
               + "log as well. Protect the log like the ConfigMaps, or use `--configmaps metadata`, which keeps the data out and starves those rules."]
            : [];

    /// <summary>Whether some request could match both rules (conservative: true unless they surely exclude each other).</summary>
    public static bool MayOverlap(AuditPolicyRule a, AuditPolicyRule b)
    {
        if (a.Users.Count > 0 && b.Users.Count > 0 && !a.Users.Intersect(b.Users).Any())
        {
            return false;
        }

        if (a.Verbs.Count > 0 && b.Verbs.Count > 0 && !a.Verbs.Intersect(b.Verbs).Any())
        {
            return false;
        }

        var aUrls = a.NonResourceURLs.Count > 0;
        var bUrls = b.NonResourceURLs.Count > 0;
        if ((a.IsResourceRule && bUrls) || (aUrls && b.IsResourceRule))
        {
            return false;
        }

        if (aUrls && bUrls)
        {
            return a.NonResourceURLs.Any(p => b.NonResourceURLs.Any(q => UrlsOverlap(p, q)));
        }

        if (a.Namespaces.Count > 0 && b.Namespaces.Count > 0 && !a.Namespaces.Intersect(b.Namespaces).Any())
        {
            return false;
        }

        if (a.Resources.Count == 0 || b.Resources.Count == 0)
        {
            return true;
        }

        return a.Resources.Any(x => b.Resources.Any(y => x.Group == y.Group && EntriesOverlap(x, y)));
    }

    private static bool EntriesOverlap(PolicyGroupResources x, PolicyGroupResources y)
    {
        if (x.ResourceNames.Count > 0 && y.ResourceNames.Count > 0 && !x.ResourceNames.Intersect(y.ResourceNames).Any())
        {
            return false;
        }

        return x.Resources.Count == 0 || y.Resources.Count == 0 || x.Resources.Any(p => y.Resources.Any(q => PatternsOverlap(p, q)));
    }

    /// <summary>Resource patterns as (resource or any, subresource: none, a name, or any).</summary>
    private static bool PatternsOverlap(string p, string q)
    {
        static (string? Res, string? Sub, bool AnySub) Parse(string s)
        {
            if (s == "*")
            {
                return (null, null, true);
            }

            var slash = s.IndexOf('/');
            if (slash < 0)
            {
                return (s, null, false);
            }

            var res = s[..slash] == "*" ? null : s[..slash];
            var sub = s[(slash + 1)..];
            return sub == "*" ? (res, null, true) : (res, sub, false);
        }

        var (r1, s1, any1) = Parse(p);
        var (r2, s2, any2) = Parse(q);
        if (r1 is not null && r2 is not null && r1 != r2)
        {
            return false;
        }

        return any1 || any2 || s1 == s2;
    }

    private static bool UrlsOverlap(string p, string q)
    {
        if (p == "*" || q == "*")
        {
            return true;
        }

        var pp = p.EndsWith('*') ? p.TrimEnd('*') : null;
        var qp = q.EndsWith('*') ? q.TrimEnd('*') : null;
        return (pp, qp) switch
        {
            (null, null) => p == q,
            (not null, null) => q.StartsWith(pp, StringComparison.Ordinal),
            (null, not null) => p.StartsWith(qp, StringComparison.Ordinal),
            _ => pp!.StartsWith(qp!, StringComparison.Ordinal) || qp!.StartsWith(pp!, StringComparison.Ordinal),
        };
    }
}
