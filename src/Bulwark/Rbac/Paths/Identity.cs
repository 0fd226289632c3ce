namespace Bulwark.Rbac.Paths;

/// <summary>
/// A node of the escalation graph: a user, a group, a service account, or the target (cluster-admin-equivalent
/// power). Written <c>user:NAME</c>, <c>group:NAME</c>, <c>serviceaccount:NS:NAME</c> or <c>cluster-admin</c>.
/// </summary>
public sealed record Identity(string Kind, string Name, string? Namespace = null) : IComparable<Identity>
{
    public const string TargetKind = "Target";

    /// <summary>
    /// The kind of a namespace's hub: "every service account of the namespace". Edges that reach all of a namespace's
    /// accounts (workload create, webhook write, ...) point at the hub once instead of at each account; path search
    /// expands the hub to the account it needs, so hubs never appear in a path.
    /// </summary>
    public const string HubKind = "ServiceAccounts";

    /// <summary>Cluster-admin-equivalent power: every verb on every resource of every group, cluster-wide.</summary>
    public static readonly Identity ClusterAdmin = new(TargetKind, "cluster-admin");

    public static readonly Identity Masters = new(RbacSubject.Group, UserInfo.Masters);

    /// <summary>The kind of <see cref="AnyNode"/>.</summary>
    public const string NodeKind = "Node";

    /// <summary>
    /// Root on a node: what a privileged or hostPath pod gives its creator (edge 2's conditional half). The node is
    /// whichever one the scheduler picks, so it is one identity for all nodes.
    /// </summary>
    public static readonly Identity AnyNode = new(NodeKind, "*");

    public static Identity User(string name) => UserInfo.ParseServiceAccountUser(name) is { } sa
        ? ServiceAccount(sa.Namespace, sa.Name)
        : new Identity(RbacSubject.User, name);

    public static Identity Group(string name) => new(RbacSubject.Group, name);

    public static Identity ServiceAccount(string @namespace, string name) => new(RbacSubject.ServiceAccount, name, @namespace);

    public bool IsTarget => Kind == TargetKind;

    public bool IsHub => Kind == HubKind;

    /// <summary>The namespace of the cluster-wide hubs.</summary>
    public const string AllNamespaces = "*";

    public static Identity AccountsOf(string @namespace) => new(HubKind, "*", @namespace);

    /// <summary>The hub of the accounts that pods of the input run as in a namespace (<see cref="AllNamespaces"/>: every ordinary one).</summary>
    public static Identity PodAccountsOf(string @namespace) => new(HubKind, "pods", @namespace);

    /// <summary>The hub of every account of every ordinary (not privileged) namespace, for cluster-wide edges.</summary>
    public static readonly Identity AllAccounts = new(HubKind, "*", AllNamespaces);

    /// <summary>
    /// A system subject: a user or group named <c>system:...</c>, or a service account of kube-system,
    /// kube-public or kube-node-lease (the control plane's own identities, excluded as sources by default).
    /// </summary>
    public bool IsSystem => Kind switch
    {
        RbacSubject.ServiceAccount => Namespace is "kube-system" or "kube-public" or "kube-node-lease",
        TargetKind or HubKind or NodeKind => true,
        _ => Name.StartsWith("system:", StringComparison.Ordinal),
    };

    /// <summary>The user the authorizer sees when this identity acts (a group acts as an unnamed member of it).</summary>
    public UserInfo ToUserInfo() => Kind switch
    {
        RbacSubject.User => UserInfo.ForUser(Name),
        RbacSubject.Group => UserInfo.ForGroup(Name),
        RbacSubject.ServiceAccount => UserInfo.ForServiceAccount(Namespace!, Name),
        _ => new UserInfo(null, []),
    };

    /// <summary>Parses user:NAME, group:NAME, serviceaccount:NS:NAME (or sa:NS:NAME) and cluster-admin; null when malformed.</summary>
    public static Identity? Parse(string text)
    {
        if (text == ClusterAdmin.Name)
        {
            return ClusterAdmin;
        }

        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return null;
        }

        var rest = text[(colon + 1)..];
        switch (text[..colon])
        {
            case "user":
                return User(rest);
            case "group":
                return Group(rest);
            case "serviceaccount" or "sa":
                var sep = rest.IndexOf(':');
                return sep <= 0 || sep == rest.Length - 1 ? null : ServiceAccount(rest[..sep], rest[(sep + 1)..]);
            default:
                return null;
        }
    }

    public int CompareTo(Identity? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(Kind, other.Kind);
        if (c == 0)
        {
            c = string.CompareOrdinal(Namespace ?? string.Empty, other.Namespace ?? string.Empty);
        }

        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Kind switch
    {
        RbacSubject.User => "user:" + Name,
        RbacSubject.Group => "group:" + Name,
        RbacSubject.ServiceAccount => $"serviceaccount:{Namespace}:{Name}",
        HubKind => $"hub:{Name}:{Namespace}",
        NodeKind => "node:" + Name,
        _ => Name,
    };
}
