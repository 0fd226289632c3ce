namespace Bulwark.Rbac;

/// <summary>Why a write of a role or binding passes or fails the escalation check (RBAC.md 1.8).</summary>
public enum EscalationReason
{
    /// <summary>The writer is in system:masters, which the API server exempts from the check.</summary>
    Masters,

    /// <summary>The writer has verb <c>escalate</c> on the role (roles/clusterroles, by name).</summary>
    EscalateGrant,

    /// <summary>The writer has verb <c>bind</c> on the referenced role, in the binding's namespace.</summary>
    BindGrant,

    /// <summary>The writer's own rules in that scope cover every permission.</summary>
    Covered,

    /// <summary>Some permission is not covered; the decision names the first such atom.</summary>
    Uncovered,

    /// <summary>The binding's role does not exist, so its permissions cannot be checked and the write is refused.</summary>
    RoleNotFound,
}

/// <summary>
/// One permission of a rule: a verb on (API group, resource, optional resource name), or a verb on a non-resource URL.
/// A null <see cref="ResourceName"/> means any name.
/// </summary>
public sealed record PermissionAtom(string Verb, string ApiGroup, string Resource, string? ResourceName, string? NonResourceUrl)
{
    public bool IsNonResource => NonResourceUrl is not null;

    public override string ToString()
    {
        if (NonResourceUrl is not null)
        {
            return $"{Verb} {NonResourceUrl}";
        }

        var group = ApiGroup.Length == 0 ? string.Empty : "." + ApiGroup;
        var name = ResourceName is null ? string.Empty : $" \"{ResourceName}\"";
        return $"{Verb} {Resource}{group}{name}";
    }
}

/// <summary>The outcome: allowed or not, why, the grant that allowed it (escalate/bind) and the first uncovered atom.</summary>
public sealed record EscalationDecision(bool Allowed, EscalationReason Reason, Grant? Grant = null, PolicyRule? TargetRule = null, PermissionAtom? Uncovered = null)
{
    public override string ToString() => Reason switch
    {
        EscalationReason.Masters => "allowed: the writer is in system:masters",
        EscalationReason.EscalateGrant => $"allowed by the escalate verb ({Grant})",
        EscalationReason.BindGrant => $"allowed by the bind verb ({Grant})",
        EscalationReason.Covered => "allowed: the writer already holds every permission",
        EscalationReason.RoleNotFound => "refused: the referenced role does not exist",
        _ => $"refused: the writer does not hold {Uncovered}",
    };
}

/// <summary>
/// The API server's escalation prevention for RBAC writes (RBAC.md 1.8), offline: whether a user may create or
/// update a Role/ClusterRole with given rules, or a RoleBinding/ClusterRoleBinding to a given role. The order of
/// the checks is upstream's: system:masters, then the escalate/bind verb, then coverage of every permission.
/// The garbage-collection-only update exemption does not arise here (the question is always a full write).
/// </summary>
public static class EscalationCheck
{
    public const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>
    /// May <paramref name="user"/> create or update the role <paramref name="role"/> (a Role in its namespace, or a
    /// ClusterRole) with <paramref name="rules"/>? Coverage uses the writer's rules in the role's namespace for a
    /// Role and cluster-wide rules (ClusterRoleBindings only) for a ClusterRole; <c>escalate</c> is checked on
    /// roles/clusterroles with the role's name, in the role's namespace.
    /// </summary>
    public static EscalationDecision CanWriteRole(RbacModel model, UserInfo user, RoleKey role, IReadOnlyList<PolicyRule> rules)
    {
        if (user.Groups.Contains(UserInfo.Masters))
        {
            return new EscalationDecision(true, EscalationReason.Masters);
        }

        var isRole = role.Kind == RoleKey.RoleKind;
        var scope = isRole ? role.Namespace : string.Empty;
        var escalate = RequestAttributes.ForResource("escalate", RbacGroup, isRole ? "roles" : "clusterroles", name: role.Name, @namespace: scope);
        if (model.CanI(escalate, user).Grants is [var grant, ..])
        {
            return new EscalationDecision(true, EscalationReason.EscalateGrant, grant);
        }

        return Cover(model.RulesFor(user, scope), rules);
    }

    /// <summary>The same for an existing role of the model, with its written rules (as a write of that object would carry).</summary>
    public static EscalationDecision CanWriteRole(RbacModel model, UserInfo user, RbacRole role) => CanWriteRole(model, user, role.Key, role.WrittenRules);

    /// <summary>
    /// May <paramref name="user"/> create or update a binding in <paramref name="bindingNamespace"/> ("" for a
    /// ClusterRoleBinding) to the role <paramref name="roleKind"/>/<paramref name="roleName"/>? Allowed with
    /// <c>bind</c> on roles/clusterroles of that name checked in the binding's namespace, or when the writer's rules
    /// in the binding's namespace cover every rule of the role (a Role is looked up in the binding's namespace).
    /// </summary>
    public static EscalationDecision CanBind(RbacModel model, UserInfo user, string roleKind, string roleName, string bindingNamespace)
    {
        if (user.Groups.Contains(UserInfo.Masters))
        {
            return new EscalationDecision(true, EscalationReason.Masters);
        }

        var isRole = roleKind == RoleKey.RoleKind;
        var bind = RequestAttributes.ForResource("bind", RbacGroup, isRole ? "roles" : "clusterroles", name: roleName, @namespace: bindingNamespace);
        if (model.CanI(bind, user).Grants is [var grant, ..])
        {
            return new EscalationDecision(true, EscalationReason.BindGrant, grant);
        }

        var key = isRole ? new RoleKey(RoleKey.RoleKind, bindingNamespace, roleName) : RoleKey.Cluster(roleName);
        if (model.FindRole(key) is not { } role)
        {
            return new EscalationDecision(false, EscalationReason.RoleNotFound);
        }

        return Cover(model.RulesFor(user, bindingNamespace), role.Rules);
    }

    /// <summary>The same for a binding of the model.</summary>
    public static EscalationDecision CanBind(RbacModel model, UserInfo user, RbacBinding binding) =>
        CanBind(model, user, binding.RoleRef.Kind, binding.RoleRef.Name, binding.IsClusterRoleBinding ? string.Empty : binding.Namespace);

    /// <summary>
    /// The atoms of a rule in upstream's breakdown order: for each group, resource and verb one atom per resource name
    /// (or one unrestricted atom), then for each URL and verb one non-resource atom.
    /// </summary>
    public static IEnumerable<PermissionAtom> Atoms(PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups)
        {
            foreach (var resource in rule.Resources)
            {
                foreach (var verb in rule.Verbs)
                {
                    if (rule.ResourceNames.Count == 0)
                    {
                        yield return new PermissionAtom(verb, group, resource, null, null);
                        continue;
                    }

                    foreach (var name in rule.ResourceNames)
                    {
                        yield return new PermissionAtom(verb, group, resource, name, null);
                    }
                }
            }
        }

        foreach (var url in rule.NonResourceUrls)
        {
            foreach (var verb in rule.Verbs)
            {
                yield return new PermissionAtom(verb, string.Empty, string.Empty, null, url);
            }
        }
    }

    /// <summary>
    /// Whether an owner rule covers an atom: verbs and groups <c>*</c> or equal; resources <c>*</c>, equal, or
    /// <c>*/sub</c> for a subresource atom; resourceNames empty or listing the atom's name (a names-restricted owner
    /// never covers an unrestricted atom); URLs equal or a trailing-<c>*</c> prefix.
    /// </summary>
    public static bool Covers(PolicyRule owner, PermissionAtom atom)
    {
        if (!RuleMatching.VerbMatches(owner.Verbs, atom.Verb))
        {
            return false;
        }

        if (atom.NonResourceUrl is { } url)
        {
            foreach (var o in owner.NonResourceUrls)
            {
                if (o == url || (o.EndsWith('*') && url.StartsWith(o.TrimEnd('*'), StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            return false;
        }

        if (!RuleMatching.ApiGroupMatches(owner.ApiGroups, atom.ApiGroup) || !ResourceCovered(owner.Resources, atom.Resource))
        {
            return false;
        }

        return owner.ResourceNames.Count == 0 || (atom.ResourceName is { } name && owner.ResourceNames.Contains(name, StringComparer.Ordinal));
    }

    private static bool ResourceCovered(IReadOnlyList<string> owned, string resource)
    {
        var slash = resource.IndexOf('/');
        foreach (var o in owned)
        {
            if (o == RuleMatching.All || o == resource)
            {
                return true;
            }

            if (slash >= 0 && o.Length == resource.Length - slash + 1 && o.StartsWith("*/", StringComparison.Ordinal) &&
                string.CompareOrdinal(o, 1, resource, slash, resource.Length - slash) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static EscalationDecision Cover(IReadOnlyList<Grant> owned, IReadOnlyList<PolicyRule> rules)
    {
        foreach (var rule in rules)
        {
            foreach (var atom in Atoms(rule))
            {
                if (!owned.Any(g => Covers(g.Rule, atom)))
                {
                    return new EscalationDecision(false, EscalationReason.Uncovered, TargetRule: rule, Uncovered: atom);
                }
            }
        }

        return new EscalationDecision(true, EscalationReason.Covered);
    }
}
