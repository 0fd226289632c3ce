namespace Bulwark.Audit;

/// <summary>An authenticated identity as the audit log records it (user or impersonatedUser).</summary>
public sealed record AuditUser(string Username, IReadOnlyList<string> Groups);

/// <summary>
/// The objectRef of a resource request, taken from the API server's request info: what the authorizer saw, except
/// that the API server fills <see cref="Name"/> from the request body on create (the authorizer saw no name there).
/// </summary>
public sealed record AuditObjectRef(
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string ApiGroup,
    string ApiVersion);

/// <summary>
/// One audit.k8s.io Event (v1 or v1beta1), reduced to the fields Bulwark reads. Missing or mistyped fields are empty
/// strings, empty lists or null, never an error: an audit log is evidence, and one odd field must not hide the rest.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>audit.k8s.io/v1 or audit.k8s.io/v1beta1 (or "" when the event did not say).</summary>
    public string ApiVersion { get; init; } = string.Empty;

    public string AuditId { get; init; } = string.Empty;

    /// <summary>RequestReceived, ResponseStarted, ResponseComplete or Panic ("" when missing).</summary>
    public string Stage { get; init; } = string.Empty;

    /// <summary>Metadata, Request or RequestResponse ("" when missing).</summary>
    public string Level { get; init; } = string.Empty;

    /// <summary>The Kubernetes verb for resource requests; the lower-cased HTTP method for non-resource requests.</summary>
    public string Verb { get; init; } = string.Empty;

    public string RequestUri { get; init; } = string.Empty;

    public AuditUser User { get; init; } = new(string.Empty, []);

    /// <summary>The identity the request was made as, when the caller impersonated someone (the authorizer checks this one).</summary>
    public AuditUser? ImpersonatedUser { get; init; }

    /// <summary>The resource the request addressed; null for non-resource requests (/healthz, /version, /apis...).</summary>
    public AuditObjectRef? ObjectRef { get; init; }

    /// <summary>responseStatus.code, when the stage carries one.</summary>
    public int? ResponseCode { get; init; }

    /// <summary>stageTimestamp, else requestReceivedTimestamp, else the v1beta1 timestamp.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The event's annotations (authorization.k8s.io/decision, pod-security.kubernetes.io/*...).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The file the event was read from ("-" for stdin).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The 1-based line where the event starts in <see cref="Source"/>.</summary>
    public long Line { get; init; }

    /// <summary>The user the authorizer evaluated: the impersonated user when there is one, else the caller.</summary>
    public AuditUser EffectiveUser => ImpersonatedUser ?? User;

    /// <summary>Whether the authorizer denied the request: the decision annotation says forbid, or (without it) the response was 403.</summary>
    public bool AuthorizationDenied => Annotations.TryGetValue("authorization.k8s.io/decision", out var decision)
        ? decision == "forbid"
        : ResponseCode == 403;
}

/// <summary>A part of an audit log that could not be read as an Event; reading continues after it.</summary>
public sealed record AuditReadError(string Source, long Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}

/// <summary>One item read from an audit log: an event or an error, in file order.</summary>
public readonly record struct AuditEntry(AuditEvent? Event, AuditReadError? Error);
