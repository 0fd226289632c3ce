using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Policy;

/// <summary>
/// What the API server knows of a request when it picks the audit level (its authorizer attributes): the user and
/// groups (the authenticated caller, not an impersonated identity: the audit filter runs before impersonation), the
/// verb, and either the resource (API group, resource, subresource, namespace, name) or the non-resource path.
/// On create, list, watch and deletecollection the name is empty, as in the API server's request info.
/// </summary>
public sealed record RequestAttributes
{
    public required string User { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    public required string Verb { get; init; }

    public bool IsResourceRequest { get; init; } = true;

    public string ApiGroup { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string Subresource { get; init; } = string.Empty;

    /// <summary>"" for cluster-scoped resources.</summary>
    public string Namespace { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>The path of a non-resource request (/healthz, /version, /api).</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>"pods", "pods/exec", or the non-resource path.</summary>
    public string Target => !IsResourceRequest ? Path : Subresource.Length > 0 ? Resource + "/" + Subresource : Resource;
}

/// <summary>The level and omitted stages the policy gives a request, and the rule that decided (null: no rule matched).</summary>
public sealed record PolicyDecision(AuditPolicyRule? Rule, AuditLevel Level, IReadOnlySet<string> OmitStages)
{
    /// <summary>Whether an event of this stage is written, and at what level.</summary>
    public bool Logs(string stage) => Level > AuditLevel.None && !OmitStages.Contains(stage);
}

/// <summary>
/// Evaluates an audit policy exactly as the API server's policy checker does: the first rule whose users, userGroups,
/// verbs and resources/namespaces or nonResourceURLs all match decides; a request no rule matches is not logged.
/// A rule's omitted stages are its own plus the policy's.
/// </summary>
public sealed class PolicyEvaluator
{
    private readonly AuditPolicy _policy;
    private readonly IReadOnlySet<string>[] _omit;
    private readonly IReadOnlySet<string> _globalOmit;

    public PolicyEvaluator(AuditPolicy policy)
    {
        _policy = policy;
        _globalOmit = new HashSet<string>(policy.OmitStages, StringComparer.Ordinal);
        _omit = policy.Rules.Select(r => (IReadOnlySet<string>)new HashSet<string>(policy.OmitStages.Concat(r.OmitStages), StringComparer.Ordinal)).ToArray();
    }

    public PolicyDecision Evaluate(RequestAttributes request)
    {
        for (var i = 0; i < _policy.Rules.Count; i++)
        {
            var rule = _policy.Rules[i];
            if (Matches(rule, request))
            {
                return new PolicyDecision(rule, rule.Level, _omit[i]);
            }
        }

        return new PolicyDecision(null, AuditLevel.None, _globalOmit);
    }

    public static bool Matches(AuditPolicyRule rule, RequestAttributes request)
    {
        if (rule.Users.Count > 0 && !rule.Users.Contains(request.User))
        {
            return false;
        }

        if (rule.UserGroups.Count > 0 && !request.Groups.Any(rule.UserGroups.Contains))
        {
            return false;
        }

        if (rule.Verbs.Count > 0 && !rule.Verbs.Contains(request.Verb))
        {
            return false;
        }

        if (rule.IsResourceRule)
        {
            return MatchesResource(rule, request);
        }

        if (rule.NonResourceURLs.Count > 0)
        {
            return !request.IsResourceRequest && rule.NonResourceURLs.Any(spec => PathMatches(request.Path, spec));
        }

        return true;
    }

    /// <summary>"*" matches every path, a spec ending in '*' every path starting with what precedes it, else equality.</summary>
    public static bool PathMatches(string path, string spec) =>
        spec == "*" || spec == path || (spec.EndsWith('*') && path.StartsWith(spec.TrimEnd('*'), StringComparison.Ordinal));

    private static bool MatchesResource(AuditPolicyRule rule, RequestAttributes request)
    {
        if (!request.IsResourceRequest)
        {
            return false;
        }

        if (rule.Namespaces.Count > 0 && !rule.Namespaces.Contains(request.Namespace))
        {
            return false;
        }

        if (rule.Resources.Count == 0)
        {
            return true;
        }

        foreach (var entry in rule.Resources)
        {
            if (entry.Group != request.ApiGroup)
            {
                continue;
            }

            if (entry.Resources.Count == 0)
            {
                return true;
            }

            if (entry.ResourceNames.Count > 0 && !entry.ResourceNames.Contains(request.Name))
            {
                continue;
            }

            foreach (var pattern in entry.Resources)
            {
                if (ResourceMatches(pattern, request.Resource, request.Subresource))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Upstream's resource matching: "pods" only the resource itself (never its subresources), "pods/exec" that
    /// subresource, "*" everything, "*/status" that subresource of every resource, "pods/*" the resource and every
    /// subresource of it.
    /// </summary>
    public static bool ResourceMatches(string pattern, string resource, string subresource)
    {
        var combined = subresource.Length > 0 ? resource + "/" + subresource : resource;
        if (pattern == combined || pattern == "*")
        {
            return true;
        }

        if (subresource.Length > 0 && pattern.StartsWith("*/", StringComparison.Ordinal) && pattern[2..] == subresource)
        {
            return true;
        }

        return pattern.EndsWith("/*", StringComparison.Ordinal) && pattern[..^2] == resource;
    }
}
