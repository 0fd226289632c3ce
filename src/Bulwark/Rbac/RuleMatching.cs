namespace Bulwark.Rbac;

/// <summary>
/// The authorizer's matching of one PolicyRule against one request (RBAC.md 1.5). Every comparison is exact and
/// case-sensitive; <c>*</c> is the only wildcard, except for the trailing <c>*</c> of a non-resource URL.
/// </summary>
public static class RuleMatching
{
    public const string All = "*";

    /// <summary>A rule verb <c>*</c> or exactly the request's verb.</summary>
    public static bool VerbMatches(IReadOnlyList<string> verbs, string verb)
    {
        foreach (var v in verbs)
        {
            if (v == All || v == verb)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A rule API group <c>*</c> or exactly the request's group ("" is the core group).</summary>
    public static bool ApiGroupMatches(IReadOnlyList<string> groups, string group)
    {
        foreach (var g in groups)
        {
            if (g == All || g == group)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The first rule resource that covers <paramref name="resource"/> with <paramref name="subresource"/>: <c>*</c>
    /// (every resource and subresource), the exact combined string (<c>pods</c> or <c>pods/log</c>), or
    /// <c>*/&lt;sub&gt;</c> for that subresource of any resource. <c>pods/*</c> is no wildcard. Null when none does.
    /// </summary>
    public static string? MatchingResource(IReadOnlyList<string> resources, string resource, string subresource)
    {
        var hasSub = subresource.Length > 0;
        foreach (var r in resources)
        {
            if (r == All)
            {
                return r;
            }

            if (hasSub)
            {
                if (r.Length == resource.Length + 1 + subresource.Length && r.StartsWith(resource, StringComparison.Ordinal) &&
                    r[resource.Length] == '/' && r.EndsWith(subresource, StringComparison.Ordinal))
                {
                    return r;
                }

                if (r.Length == subresource.Length + 2 && r[0] == '*' && r[1] == '/' && r.EndsWith(subresource, StringComparison.Ordinal))
                {
                    return r;
                }
            }
            else if (r == resource)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>No resourceNames means any name; otherwise the request's name must be listed (an empty name never is).</summary>
    public static bool ResourceNameMatches(IReadOnlyList<string> names, string name)
    {
        if (names.Count == 0)
        {
            return true;
        }

        foreach (var n in names)
        {
            if (n == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A rule URL <c>*</c>, the exact path, or a URL ending in <c>*</c> whose part before the stars prefixes the path
    /// (<c>/apis/*</c> matches <c>/apis/v1</c> and <c>/apis/</c>, not <c>/apis</c>).
    /// </summary>
    public static string? MatchingNonResourceUrl(IReadOnlyList<string> urls, string path)
    {
        foreach (var url in urls)
        {
            if (url == All || url == path)
            {
                return url;
            }

            if (url.EndsWith('*') && path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal))
            {
                return url;
            }
        }

        return null;
    }

    /// <summary>Whether a rule allows a request (resource or non-resource).</summary>
    public static bool Allows(PolicyRule rule, RequestAttributes request)
    {
        if (!VerbMatches(rule.Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return MatchingNonResourceUrl(rule.NonResourceUrls, request.Path) is not null;
        }

        return ApiGroupMatches(rule.ApiGroups, request.ApiGroup) &&
            MatchingResource(rule.Resources, request.Resource, request.Subresource) is not null &&
            ResourceNameMatches(rule.ResourceNames, request.Name);
    }
}
