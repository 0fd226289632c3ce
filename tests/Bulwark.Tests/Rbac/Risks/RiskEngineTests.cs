using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Rbac;
using Bulwark.Rbac.Risks;
using Xunit;

namespace Bulwark.Tests.Rbac.Risks;

/// <summary>The risk engine per catalog id: the pattern of a rule, the scope it is bound in, the severity for that scope and the holders.</summary>
public sealed class RiskEngineTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string, string, string> Cases() => new()
    {
        // rules (flow YAML), binding kind (crb | rb:<ns> | none), role kind (ClusterRole | Role:<ns>), expected risk, expected severity
        { "[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]", "crb", "ClusterRole", "cluster-admin-equivalent", "critical" },
        { "[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]", "rb:shop", "ClusterRole", "wildcard", "high" },
        { "[{apiGroups: [''], resources: ['*'], verbs: ['*']}]", "crb", "ClusterRole", "wildcard", "critical" },
        { "[{apiGroups: [''], resources: [secrets], verbs: [list]}]", "crb", "ClusterRole", "secrets-read-cluster", "high" },
        { "[{apiGroups: [''], resources: [secrets], verbs: [get]}]", "rb:kube-system", "ClusterRole", "secrets-read-kube-system", "critical" },
        { "[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]}]", "crb", "ClusterRole", "escalate", "critical" },
        { "[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}]", "crb", "ClusterRole", "bind", "critical" },
        { "[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]}]", "rb:shop", "Role:shop", "bind", "high" },
        { "[{apiGroups: [''], resources: [groups], verbs: [impersonate]}]", "crb", "ClusterRole", "impersonate", "critical" },
        { "[{apiGroups: [''], resources: [serviceaccounts], verbs: [impersonate]}]", "rb:shop", "Role:shop", "impersonate", "high" },
        { "[{apiGroups: [apps], resources: [deployments], verbs: [patch]}]", "rb:kube-system", "Role:kube-system", "workload-create-kube-system", "critical" },
        { "[{apiGroups: [''], resources: [pods], verbs: [create]}]", "rb:shop", "Role:shop", "workload-create", "medium" },
        { "[{apiGroups: [''], resources: [pods/exec], verbs: [create]}]", "rb:kube-system", "ClusterRole", "pods-exec", "high" },
        { "[{apiGroups: [''], resources: [pods/exec], verbs: [create]}]", "rb:shop", "ClusterRole", "pods-exec", "medium" },
        { "[{apiGroups: [''], resources: ['*/proxy'], verbs: [get]}]", "crb", "ClusterRole", "nodes-proxy", "high" },
        { "[{apiGroups: [''], resources: [serviceaccounts/token], verbs: [create]}]", "rb:kube-system", "ClusterRole", "token-request", "critical" },
        { "[{apiGroups: [''], resources: [serviceaccounts/token], verbs: [create]}]", "rb:shop", "ClusterRole", "token-request", "medium" },
        { "[{apiGroups: [''], resources: [secrets], verbs: [create]}]", "rb:kube-system", "Role:kube-system", "token-secret-write", "critical" },
        { "[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}]", "crb", "ClusterRole", "csr-approve", "critical" },
        { "[{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [create]}]", "crb", "ClusterRole", "webhook-write", "critical" },
        { "[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}]", "rb:shop", "Role:shop", "rbac-write", "high" },
        { "[{apiGroups: [''], resources: [persistentvolumes], verbs: [create]}]", "crb", "ClusterRole", "pv-create", "high" },
        { "[{apiGroups: [''], resources: [nodes], verbs: [patch]}]", "crb", "ClusterRole", "node-write", "high" },
        { "[{apiGroups: [''], resources: [pods/eviction], verbs: [create]}]", "rb:kube-system", "ClusterRole", "node-write", "medium" },
        { "[{apiGroups: [''], resources: [pods], verbs: [delete]}]", "rb:kube-system", "Role:kube-system", "node-write", "medium" },
        { "[{apiGroups: [''], resources: [pods/status], verbs: [patch]}]", "rb:shop", "Role:shop", "pod-status-write", "low" },
        { "[{apiGroups: [''], resources: [services/status], verbs: [update]}]", "crb", "ClusterRole", "service-status-write", "medium" },
        { "[{apiGroups: [''], resources: [namespaces], verbs: [patch]}]", "rb:shop", "ClusterRole", "namespace-write", "medium" },
        { "[{apiGroups: [''], resources: [configmaps], verbs: [update]}]", "rb:kube-system", "Role:kube-system", "configmap-write-kube-system", "high" },
        { "[{apiGroups: [apiextensions.k8s.io], resources: [customresourcedefinitions], verbs: [delete]}]", "crb", "ClusterRole", "crd-write", "medium" },
        { "[{apiGroups: [kyverno.io], resources: [clusterpolicies], verbs: [delete]}]", "crb", "ClusterRole", "policy-engine-admin", "high" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Detect_The_Risk_With_Its_Scope_Severity_And_Holder(string rules, string binding, string roleKind, string risk, string severity)
    {
        // Given
        var model = Model(Role(roleKind, rules) + Binding(binding, roleKind));

        // When
        var findings = RiskEngine.Analyze(model).Where(f => f.Risk == risk).ToList();

        // Then
        var finding = Assert.Single(findings);
        Assert.Equal(severity, finding.Severity.Name());
        var holder = Assert.Single(finding.Holders);
        Assert.Equal("ci", holder.Subject.Name);
        Assert.Equal("held", holder.Binding.Name);
    }

    [Fact]
    public void Should_Not_Match_Subresources_Through_The_Resource_Or_Names_For_Create()
    {
        // Given: pods does not cover pods/exec; create carries no name; a RoleBinding cannot grant nodes/proxy
        var model = Model(Role("Role:shop", "[{apiGroups: [''], resources: [pods], verbs: ['*']}, {apiGroups: [''], resources: [pods], resourceNames: [a], verbs: [create]}]") +
            Binding("rb:shop", "Role:shop") +
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: proxy}\nrules: [{apiGroups: [''], resources: [nodes/proxy], verbs: [get]}]\n" +
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: proxy, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: proxy}\nsubjects: [{kind: User, name: bob}]\n");

        // When
        var findings = RiskEngine.Analyze(model);

        // Then
        Assert.DoesNotContain(findings, f => f.Risk is "pods-exec" or "nodes-proxy");
        Assert.Single(findings, f => f.Risk == "workload-create");
    }

    [Fact]
    public void Should_Attribute_Aggregated_Rules_To_The_Holders_Of_The_Aggregating_Role()
    {
        // Given: a role labelled aggregate-to-edit makes every holder of admin (admin aggregates edit) hold its rule
        var model = Model("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: exec-for-editors
              labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
            rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: same-rule-not-aggregated}
            rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: team-admin, namespace: shop}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
            subjects: [{kind: Group, name: shop-admins}]
            """, defaultRoles: true);

        // When
        var finding = Assert.Single(RiskEngine.Analyze(model), f => f.Risk == "pods-exec" && f.Role!.Name == "exec-for-editors");

        // Then
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("shop-admins", Assert.Single(finding.Holders).Subject.Name);
        Assert.Empty(Assert.Single(RiskEngine.Analyze(model), f => f.Risk == "pods-exec" && f.Role!.Name == "same-rule-not-aggregated").Holders);
    }

    [Fact]
    public void Should_Use_The_Privileged_Namespaces_Given_And_Mark_System_Subjects()
    {
        // Given
        var model = Model(Role("Role:platform", "[{apiGroups: [''], resources: [pods], verbs: [create]}]") + Binding("rb:platform", "Role:platform") +
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: sys, namespace: platform}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: held-role}\n" +
            "subjects: [{kind: User, name: 'system:kube-scheduler'}, {kind: ServiceAccount, name: x, namespace: kube-system}, {kind: Group, name: 'system:authenticated'}]\n");

        // When
        var findings = RiskEngine.Analyze(model, new RiskOptions { PrivilegedNamespaces = ["platform"] });

        // Then
        var finding = Assert.Single(findings, f => f.Risk == "workload-create-kube-system");
        Assert.Equal(Severity.Critical, finding.Severity);
        var system = finding.Holders.Where(h => h.IsSystem(["kube-system"])).Select(h => h.Subject.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["system:kube-scheduler", "x"], system);
    }

    [Fact]
    public void Should_Report_Binding_And_Hygiene_Risks()
    {
        // Given
        var model = Model("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: open}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}
            subjects: [{kind: Group, name: 'system:unauthenticated'}, {kind: ServiceAccount, name: no-namespace}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: sa-admin}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: agg}
            aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: y}}]}
            rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]
            """, defaultRoles: true);

        // When
        var byRisk = RiskEngine.Analyze(model).ToLookup(f => f.Risk);

        // Then
        Assert.Equal(Severity.Critical, Assert.Single(byRisk["broad-group-binding"]).Severity);
        Assert.Equal(Severity.Critical, Assert.Single(byRisk["cluster-admin-binding"]).Severity);
        Assert.Single(byRisk["dangling-roleref"]);
        Assert.Single(byRisk["invalid-subject"]);
        Assert.Single(byRisk["aggregated-role-explicit-rules"]);
        Assert.Single(byRisk["unused-role"]);
    }

    private RbacModel Model(string yaml, bool defaultRoles = false)
    {
        var file = _dir.Write("rbac.yaml", yaml);
        var load = new ManifestLoader().Load([file]);
        Assert.Empty(load.Errors);
        return RbacModel.Build(load.Objects, new RbacModelOptions { IncludeDefaultRoles = defaultRoles });
    }

    private static string Role(string kind, string rules)
    {
        var parts = kind.Split(':');
        var ns = parts.Length > 1 ? $", namespace: {parts[1]}" : string.Empty;
        return $"apiVersion: rbac.authorization.k8s.io/v1\nkind: {parts[0]}\nmetadata: {{name: held-role{ns}}}\nrules: {rules}\n";
    }

    private static string Binding(string binding, string roleKind)
    {
        if (binding == "none")
        {
            return string.Empty;
        }

        var refKind = roleKind.Split(':')[0];
        var subjects = "subjects: [{kind: ServiceAccount, name: ci, namespace: ci}]\n";
        return binding == "crb"
            ? $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: held}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: held-role}}\n{subjects}"
            : $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: held, namespace: {binding[3..]}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {refKind}, name: held-role}}\n{subjects}";
    }
}
