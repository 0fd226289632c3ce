using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rbac.Risks;

/// <summary>A detector's verdict: the severity in that scope, the rule verb that grants it, and what it grants.</summary>
public sealed record RiskMatch(Severity Severity, string Verb, string Detail)
{
    /// <summary>A pointer of its own (relative to the role), instead of the granting verb.</summary>
    public string? Pointer { get; init; }
}

/// <summary>A permission pattern of the catalog, checked on one role rule in one scope.</summary>
public sealed record RiskDetector(string Id, Func<RbacRole, PolicyRule, RiskScope, RiskMatch?> Detect);

/// <summary>
/// The risk catalog of RBAC.md section 2: ids, the permission patterns with the authorizer's matching (verb <c>*</c> or
/// exact, group <c>*</c> or exact, resource <c>*</c>, exact or <c>*/sub</c>), and the severities per scope.
/// A rule restricted by resourceNames grants only the named objects and does not match the "any object" patterns,
/// except escalate, bind and impersonate, where the names limit which roles or identities but not the power.
/// A rule that is <c>*</c> on verbs, groups and resources is reported only as cluster-admin-equivalent or wildcard.
/// </summary>
public static class RiskCatalog
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private const string Apps = "apps";
    private const string Batch = "batch";
    private const string Certificates = "certificates.k8s.io";
    private const string Admission = "admissionregistration.k8s.io";
    private const string Authentication = "authentication.k8s.io";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "update", "patch"];

    /// <summary>Every catalog id the engine reports (rule patterns, then binding risks and hygiene).</summary>
    public static IReadOnlyList<string> Ids { get; } =
    [
        "cluster-admin-equivalent", "wildcard", "secrets-read-cluster", "secrets-read-kube-system", "escalate", "bind", "impersonate",
        "workload-create-kube-system", "workload-create", "pods-exec", "nodes-proxy", "token-request", "token-secret-write", "csr-approve",
        "webhook-write", "rbac-write", "pv-create", "node-write", "pod-status-write", "service-status-write", "namespace-write",
        "configmap-write-kube-system", "crd-write", "policy-engine-admin",
        "broad-group-binding", "cluster-admin-binding", "dangling-roleref", "invalid-subject", "unused-role", "aggregated-role-explicit-rules",
    ];

    public static IReadOnlyList<RiskDetector> RuleDetectors { get; } =
    [
        new("cluster-admin-equivalent", (_, r, s) => IsFullWildcard(r) && s.IsCluster && r.ResourceNames.Count == 0
            ? new RiskMatch(Severity.Critical, "*", "grants every verb on every resource cluster-wide (cluster-admin equivalent)") : null),
        new("wildcard", Wildcard),
        new("secrets-read-cluster", (_, r, s) => s.IsCluster && Specific(r) && Grant(r, Read, "", "secrets") is { } v
            ? new RiskMatch(Severity.High, v, $"grants {v} on secrets cluster-wide: every credential in every namespace") : null),
        new("secrets-read-kube-system", (_, r, s) => !s.IsCluster && s.Privileged && Specific(r) && Grant(r, ["get", "list"], "", "secrets") is { } v
            ? new RiskMatch(Severity.Critical, v, $"grants {v} on secrets {s}, whose service-account tokens are close to cluster-admin") : null),
        new("escalate", (_, r, s) => Specific(r) && Grant(r, ["escalate"], Rbac, s.IsCluster ? ["roles", "clusterroles"] : ["roles"], names: true) is { } v
            ? new RiskMatch(Severity.Critical, v, $"grants escalate on roles {s}{Names(r)}: it can write roles with permissions it does not hold") : null),
        new("bind", (_, r, s) => Specific(r) && Grant(r, ["bind"], Rbac, ["roles", "clusterroles"], names: true) is { } v
            ? new RiskMatch(s.ReachesPrivileged ? Severity.Critical : Severity.High, v, $"grants bind on roles {s}{Names(r)}: it can bind roles it does not hold, such as cluster-admin") : null),
        new("impersonate", Impersonate),
        new("workload-create-kube-system", (_, r, s) => s.ReachesPrivileged && Specific(r) && WorkloadCreate(r) is { } m
            ? new RiskMatch(Severity.Critical, m.Verb, $"grants {m.Detail} {s}: it can run a pod as any service account of {(s.IsCluster ? "kube-system" : s.Namespace)} and read its token") : null),
        new("workload-create", (_, r, s) => !s.ReachesPrivileged && Specific(r) && WorkloadCreate(r) is { } m
            ? new RiskMatch(Severity.Medium, m.Verb, $"grants {m.Detail} {s}: it can run a pod as any service account of the namespace") : null),
        new("pods-exec", PodsExec),
        new("nodes-proxy", (_, r, s) => s.IsCluster && Specific(r) && Grant(r, ["get", "create", "*"], "", ["nodes/proxy"], anyVerb: true) is { } v
            ? new RiskMatch(Severity.High, v, "grants nodes/proxy cluster-wide: the kubelet API runs commands in any pod of any node, outside admission and audit") : null),
        new("token-request", (_, r, s) => Specific(r) && Grant(r, ["create"], "", ["serviceaccounts/token"]) is { } v
            ? new RiskMatch(s.ReachesPrivileged ? Severity.Critical : Severity.Medium, v, $"grants create on serviceaccounts/token {s}: it can mint tokens for the service accounts there") : null),
        new("token-secret-write", (_, r, s) => s.ReachesPrivileged && Specific(r) && Grant(r, ["create", "update", "patch"], "", ["secrets"]) is { } v
            ? new RiskMatch(Severity.Critical, v, $"grants {v} on secrets {s}: a service-account-token Secret yields a token of any service account there") : null),
        new("csr-approve", CsrApprove),
        new("webhook-write", WebhookWrite),
        new("rbac-write", (_, r, s) => Specific(r) && Grant(r, Write, Rbac, s.IsCluster ? ["roles", "clusterroles", "rolebindings", "clusterrolebindings"] : ["roles", "rolebindings"]) is { } v
            ? new RiskMatch(Severity.High, v, $"grants {v} on RBAC objects {s}") : null),
        new("pv-create", (_, r, s) => s.IsCluster && Specific(r) && Grant(r, ["create"], "", ["persistentvolumes"]) is { } v
            ? new RiskMatch(Severity.High, v, "grants create on persistentvolumes: a hostPath volume exposes a node's filesystem") : null),
        new("node-write", NodeWrite),
        new("pod-status-write", (_, r, s) => Specific(r) && Grant(r, ["update", "patch"], "", ["pods/status"]) is { } v
            ? new RiskMatch(Severity.Low, v, $"grants {v} on pods/status {s}: faked labels or readiness can hijack Service traffic") : null),
        new("service-status-write", (_, r, s) => Specific(r) && Grant(r, ["update", "patch"], "", ["services/status"]) is { } v
            ? new RiskMatch(Severity.Medium, v, $"grants {v} on services/status {s}: a load-balancer IP can intercept traffic (CVE-2020-8554)") : null),
        new("namespace-write", (_, r, s) => Specific(r) && Grant(r, ["update", "patch"], "", ["namespaces"]) is { } v
            ? new RiskMatch(Severity.Medium, v, $"grants {v} on namespaces {s}: it can remove Pod Security Admission labels") : null),
        new("configmap-write-kube-system", (_, r, s) => s.ReachesPrivileged && Specific(r) && Grant(r, Write, "", ["configmaps"]) is { } v
            ? new RiskMatch(Severity.High, v, $"grants {v} on configmaps {s}: on EKS the aws-auth ConfigMap maps cloud identities to system:masters") : null),
        new("crd-write", (_, r, s) => s.IsCluster && Specific(r) && Grant(r, ["create", "update", "patch", "delete"], "apiextensions.k8s.io", ["customresourcedefinitions"]) is { } v
            ? new RiskMatch(Severity.Medium, v, $"grants {v} on customresourcedefinitions: it can shadow or delete CRD-backed security controls") : null),
        new("policy-engine-admin", PolicyEngine),
    ];

    /// <summary><c>*</c> in verbs, API groups and resources together: everything.</summary>
    public static bool IsFullWildcard(PolicyRule rule) =>
        rule.Verbs.Contains(RuleMatching.All) && rule.ApiGroups.Contains(RuleMatching.All) && rule.Resources.Contains(RuleMatching.All);

    private static bool Specific(PolicyRule rule) => !IsFullWildcard(rule) && rule.Resources.Count > 0;

    private static string Names(PolicyRule rule) => rule.ResourceNames.Count == 0 ? string.Empty : $" (only names {string.Join(", ", rule.ResourceNames)})";

    /// <summary>The rule verb (as written) granting one of the verbs on one of the resources of a group; null when none does.</summary>
    private static string? Grant(PolicyRule rule, string[] verbs, string group, string resource) => Grant(rule, verbs, group, [resource]);

    private static string? Grant(PolicyRule rule, string[] verbs, string group, string[] resources, bool names = false, bool anyVerb = false)
    {
        if (!RuleMatching.ApiGroupMatches(rule.ApiGroups, group) || (!names && rule.ResourceNames.Count > 0))
        {
            return null;
        }

        if (!resources.Any(r => r.Split('/') is var parts && RuleMatching.MatchingResource(rule.Resources, parts[0], parts.Length > 1 ? parts[1] : string.Empty) is not null))
        {
            return null;
        }

        if (anyVerb && rule.Verbs.Count > 0)
        {
            return rule.Verbs[0];
        }

        foreach (var v in rule.Verbs)
        {
            if (v == RuleMatching.All || verbs.Contains(v))
            {
                return v;
            }
        }

        return null;
    }

    private static RiskMatch? Wildcard(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (scope.IsCluster && role.Rules.Any(r => IsFullWildcard(r) && r.ResourceNames.Count == 0))
        {
            return null; // the role is reported as cluster-admin-equivalent
        }

        var fields = new List<string>();
        if (rule.Verbs.Contains(RuleMatching.All))
        {
            fields.Add("verbs");
        }

        if (rule.ApiGroups.Contains(RuleMatching.All))
        {
            fields.Add("apiGroups");
        }

        if (rule.Resources.Contains(RuleMatching.All))
        {
            fields.Add("resources");
        }

        if (fields.Count == 0)
        {
            return null;
        }

        var severity = scope.IsCluster && rule.Verbs.Contains(RuleMatching.All) ? Severity.Critical : Severity.High;
        var field = fields[0];
        var list = field switch { "verbs" => rule.Verbs, "apiGroups" => rule.ApiGroups, _ => rule.Resources };
        var pointer = JsonPointer.Append(JsonPointer.Append(rule.Pointer, field), list.ToList().IndexOf(RuleMatching.All));
        return new RiskMatch(severity, RuleMatching.All, $"has `*` in {string.Join(", ", fields)} {scope}, granting everything that exists and will exist there") { Pointer = pointer };
    }

    private static RiskMatch? Impersonate(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!Specific(rule))
        {
            return null;
        }

        if (scope.IsCluster && (Grant(rule, ["impersonate"], "", ["users", "groups"], names: true) ??
            Grant(rule, ["impersonate"], Authentication, ["uids"], names: true) ?? UserExtras(rule)) is { } v)
        {
            return new RiskMatch(Severity.Critical, v, $"grants impersonate on users, groups or user extras cluster-wide{Names(rule)}: it can act as system:masters");
        }

        if (Grant(rule, ["impersonate"], "", ["serviceaccounts"], names: true) is { } sa)
        {
            return new RiskMatch(scope.ReachesPrivileged ? Severity.Critical : Severity.High, sa, $"grants impersonate on serviceaccounts {scope}{Names(rule)}: it can act as those service accounts");
        }

        return null;
    }

    /// <summary>userextras/&lt;key&gt;: granted by <c>*</c>, <c>userextras/KEY</c> or <c>*/KEY</c>.</summary>
    private static string? UserExtras(PolicyRule rule)
    {
        if (!RuleMatching.ApiGroupMatches(rule.ApiGroups, Authentication) || !rule.Resources.Any(r => r == "*" ||
            (r.StartsWith("userextras/", StringComparison.Ordinal) && r.Length > "userextras/".Length) || (r.StartsWith("*/", StringComparison.Ordinal) && r.Length > 2)))
        {
            return null;
        }

        return rule.Verbs.FirstOrDefault(v => v is "impersonate" or RuleMatching.All);
    }

    private static (string Verb, string Detail)? WorkloadCreate(PolicyRule rule)
    {
        if (Grant(rule, ["create"], "", ["pods"]) is { } v)
        {
            return (v, $"{v} on pods");
        }

        foreach (var (group, resource) in new[] { (Apps, "deployments"), (Apps, "daemonsets"), (Apps, "statefulsets"), (Apps, "replicasets"), ("", "replicationcontrollers"), (Batch, "jobs"), (Batch, "cronjobs") })
        {
            if (Grant(rule, Write, group, [resource]) is { } w)
            {
                return (w, $"{w} on {resource}");
            }
        }

        return null;
    }

    private static RiskMatch? PodsExec(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!Specific(rule))
        {
            return null;
        }

        var v = Grant(rule, ["create", "get"], "", ["pods/exec", "pods/attach", "pods/portforward"]) ?? Grant(rule, ["update", "patch"], "", ["pods/ephemeralcontainers"]);
        return v is null ? null : new RiskMatch(scope.ReachesPrivileged ? Severity.High : Severity.Medium, v,
            $"grants {v} on pods/exec, attach, portforward or ephemeralcontainers {scope}: code execution in running pods");
    }

    private static RiskMatch? CsrApprove(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!scope.IsCluster || !Specific(rule) || Grant(rule, ["update", "patch"], Certificates, ["certificatesigningrequests/approval"]) is not { } v)
        {
            return null;
        }

        var signer = role.Rules.Any(other => !IsFullWildcard(other) && Grant(other, ["approve"], Certificates, ["signers"], names: true) is not null);
        return signer ? new RiskMatch(Severity.Critical, v, "grants approval of certificate signing requests together with approve on signers: it can issue a client certificate for system:masters") : null;
    }

    private static RiskMatch? WebhookWrite(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!scope.IsCluster || !Specific(rule))
        {
            return null;
        }

        if (Grant(rule, Write, Admission, ["mutatingwebhookconfigurations", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"]) is { } m)
        {
            return new RiskMatch(Severity.Critical, m, $"grants {m} on mutating admission configuration: it can read and rewrite every admitted object");
        }

        return Grant(rule, Write, Admission, ["validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"]) is { } w
            ? new RiskMatch(Severity.High, w, $"grants {w} on validating admission configuration: it can see every admitted object and switch guardrails off")
            : null;
    }

    /// <summary>
    /// Node writes (cluster-wide: nodes are cluster-scoped), and the other half of stealing pods: deleting or evicting
    /// pods of a privileged namespace, high when the same role also writes nodes cluster-wide (taint the other nodes,
    /// evict, and the pods land on a node the holder controls), medium alone.
    /// </summary>
    private static RiskMatch? NodeWrite(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!Specific(rule))
        {
            return null;
        }

        if (scope.IsCluster && Grant(rule, ["update", "patch", "delete"], "", ["nodes"]) is { } v)
        {
            return new RiskMatch(Severity.High, v, $"grants {v} on nodes: relabelling, tainting or deleting nodes steers pods onto or off them");
        }

        if (scope.ReachesPrivileged && PodRemoval(rule) is { } removal)
        {
            var combined = scope.IsCluster && role.Rules.Any(other => Specific(other) && Grant(other, ["update", "patch"], "", ["nodes"]) is not null);
            return combined
                ? new RiskMatch(Severity.High, removal.Verb, $"grants {removal.Detail} {scope} together with node writes: tainting nodes and evicting pods moves privileged pods onto a node the holder controls")
                : new RiskMatch(Severity.Medium, removal.Verb, $"grants {removal.Detail} {scope}: with write access to nodes, privileged pods can be evicted onto a node the holder controls");
        }

        return scope.IsCluster && Grant(rule, ["update", "patch"], "", ["nodes/status"]) is { } s
            ? new RiskMatch(Severity.Low, s, $"grants {s} on nodes/status: it can fake node conditions")
            : null;
    }

    /// <summary>Delete on pods, or create on pods/eviction: the ways to make pods leave their node.</summary>
    private static (string Verb, string Detail)? PodRemoval(PolicyRule rule) =>
        Grant(rule, ["delete"], "", ["pods"]) is { } d ? (d, $"{d} on pods")
        : Grant(rule, ["create"], "", ["pods/eviction"]) is { } e ? (e, $"{e} on pods/eviction")
        : null;

    private static RiskMatch? PolicyEngine(RbacRole role, PolicyRule rule, RiskScope scope)
    {
        if (!Specific(rule))
        {
            return null;
        }

        foreach (var (group, resource) in new[]
        {
            ("templates.gatekeeper.sh", "constrainttemplates"), ("config.gatekeeper.sh", "configs"), ("kyverno.io", "clusterpolicies"), ("kyverno.io", "policies"),
            ("kyverno.io", "policyexceptions"), ("policies.kyverno.io", "validatingpolicies"), ("policies.kyverno.io", "policyexceptions"),
        })
        {
            if (Grant(rule, ["create", "update", "patch", "delete"], group, [resource]) is { } v)
            {
                return new RiskMatch(Severity.High, v, $"grants {v} on {resource}.{group} {scope}: it can switch policy-engine guardrails off");
            }
        }

        if (rule.ApiGroups.Contains("constraints.gatekeeper.sh") && Grant(rule, ["create", "update", "patch", "delete"], "constraints.gatekeeper.sh", [RuleMatching.All]) is { } c)
        {
            return new RiskMatch(Severity.High, c, $"grants {c} on Gatekeeper constraints {scope}: it can switch guardrails off");
        }

        return null;
    }
}
