namespace Bulwark.Rbac.Generate;

/// <summary>The identity a policy is generated for: a User, or a ServiceAccount (user name system:serviceaccount:NS:NAME).</summary>
public sealed record AuditSubject
{
    public const string ServiceAccountUserPrefix = "system:serviceaccount:";

    private AuditSubject(string kind, string name, string? ns)
    {
        Kind = kind;
        Name = name;
        Namespace = ns;
    }

    /// <summary>User or ServiceAccount (the kind of the binding subject).</summary>
    public string Kind { get; }

    public string Name { get; }

    /// <summary>The ServiceAccount's namespace; null for a User.</summary>
    public string? Namespace { get; }

    public bool IsServiceAccount => Kind == "ServiceAccount";

    /// <summary>The user name the authenticator gives the subject, which audit events record.</summary>
    public string Username => IsServiceAccount ? $"{ServiceAccountUserPrefix}{Namespace}:{Name}" : Name;

    /// <summary>ServiceAccount shop/order-sync, User alice.</summary>
    public string Describe() => IsServiceAccount ? $"ServiceAccount {Namespace}/{Name}" : $"User {Name}";

    public static AuditSubject User(string name) =>
        name.StartsWith(ServiceAccountUserPrefix, StringComparison.Ordinal) && FromUsername(name) is { } sa ? sa : new AuditSubject("User", name, null);

    public static AuditSubject ServiceAccount(string ns, string name) => new("ServiceAccount", name, ns);

    /// <summary>
    /// Parses <c>user:NAME</c> or <c>serviceaccount:NS:NAME</c> (also <c>sa:NS:NAME</c>). A user named
    /// system:serviceaccount:NS:NAME is the ServiceAccount, as the authorizer matches both the same way.
    /// </summary>
    public static bool TryParse(string text, out AuditSubject subject, out string error)
    {
        subject = null!;
        error = string.Empty;
        var colon = text.IndexOf(':');
        var kind = colon < 0 ? string.Empty : text[..colon];
        var rest = colon < 0 ? string.Empty : text[(colon + 1)..];
        switch (kind)
        {
            case "user" when rest.Length > 0:
                subject = User(rest);
                return true;
            case "serviceaccount" or "sa":
                var parts = rest.Split(':');
                if (parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
                {
                    subject = ServiceAccount(parts[0], parts[1]);
                    return true;
                }

                error = $"invalid subject \"{text}\": a service account is serviceaccount:NAMESPACE:NAME";
                return false;
            default:
                error = $"invalid subject \"{text}\": expected user:NAME or serviceaccount:NAMESPACE:NAME";
                return false;
        }
    }

    private static AuditSubject? FromUsername(string username)
    {
        var parts = username[ServiceAccountUserPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? ServiceAccount(parts[0], parts[1]) : null;
    }
}
