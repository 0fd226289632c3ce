namespace Bulwark.Findings;

/// <summary>The controls of CONTROLS.md: the project's contract with its users. Never renumber.</summary>
public static class Controls
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["IMG-1"] = "Minimal base image, multi-stage build, build tools not shipped",
        ["IMG-2"] = "Image pinned by digest, not only by tag; never latest or untagged",
        ["IMG-3"] = "Images scanned in CI and at admission; critical CVEs blocked",
        ["IMG-4"] = "Images signed at build time and signatures verified by the cluster",
        ["IMG-5"] = "Image runs as a dedicated non-root user, UID > 10000",
        ["IMG-6"] = "Images come from a maintained internal registry",
        ["POD-1"] = "Pod Security Admission: restricted enforced on production namespaces, baseline at most for legacy",
        ["POD-2"] = "runAsNonRoot: true and an explicit runAsUser",
        ["POD-3"] = "allowPrivilegeEscalation: false",
        ["POD-4"] = "readOnlyRootFilesystem: true, with explicit writable volume mounts where needed",
        ["POD-5"] = "capabilities.drop: [ALL], adding back only what is needed",
        ["POD-6"] = "seccompProfile.type: RuntimeDefault (or a stricter Localhost profile)",
        ["POD-7"] = "No hostNetwork",
        ["POD-8"] = "No hostPID",
        ["POD-9"] = "No hostIPC",
        ["POD-10"] = "No hostPath volumes",
        ["POD-11"] = "No privileged containers, host ports, unsafe sysctls, procMount, SELinux or AppArmor overrides",
        ["RBAC-1"] = "Service-account tokens not automounted unless the workload calls the API",
        ["RBAC-2"] = "One dedicated service account per workload; never the default SA, never shared",
        ["RBAC-3"] = "Least privilege: no wildcards, no cluster-admin/admin/edit for workloads, no escalate/bind/impersonate, no cluster-wide secret reads",
        ["RBAC-4"] = "Human access through OIDC with short-lived tokens and group-based RBAC",
        ["SEC-1"] = "No secrets in ConfigMaps, env literals or annotations",
        ["SEC-2"] = "Encryption at rest for Secrets in etcd",
        ["SEC-3"] = "Sensitive secrets in a real secret manager",
        ["NET-1"] = "Default-deny NetworkPolicy for ingress and egress in every namespace",
        ["NET-2"] = "Egress restricted; no unneeded internet access",
        ["NET-3"] = "Namespaces as trust boundaries; sensitive workloads isolated",
        ["NET-4"] = "mTLS between services",
        ["NET-5"] = "Control plane protected: API server reachability, dashboard off or behind strong auth",
        ["RUN-1"] = "Audit logging on, shipped, with detection rules",
        ["RUN-2"] = "Runtime detection deployed",
        ["RUN-3"] = "Live image and workload inventory",
        ["RUN-4"] = "Response practised",
        ["RUN-5"] = "Cluster on a supported, patched Kubernetes minor version",
    };
}
