using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Policy;
using Xunit;

namespace Bulwark.Tests.Audit.Policy;

/// <summary>Reading audit policies: YAML and JSON, v1 and v1beta1, strictly, with the API server's validation.</summary>
public sealed class AuditPolicyReaderTests
{
    private static List<string> Errors(string text, string name = "p.yaml") =>
        AuditPolicyReader.ReadText(text, name).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Reads_Every_Field_With_Rule_Lines()
    {
        var read = AuditPolicyReader.ReadText("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            metadata: {name: x}
            omitStages: [RequestReceived]
            omitManagedFields: yes
            rules:
              - level: None
                users: ["system:kube-proxy"]
                userGroups: ["system:nodes"]
                verbs: [watch]
                namespaces: ["", kube-system]
                resources:
                  - group: ""
                    resources: [endpoints, "*/status"]
                    resourceNames: [a]
                omitStages: [ResponseStarted]
                omitManagedFields: false
              - level: Metadata
                nonResourceURLs: ["/healthz*"]
            """);
        Assert.Empty(read.Errors);
        var p = read.Policy!;
        Assert.True(p.OmitManagedFields);
        Assert.Equal(["RequestReceived"], p.OmitStages);
        Assert.Equal(4, p.OmitStagesLine);
        var r = p.Rules[0];
        Assert.Equal((1, 7, AuditLevel.None), (r.Number, r.Line, r.Level));
        Assert.Equal(["", "kube-system"], r.Namespaces);
        Assert.Equal(["endpoints", "*/status"], r.Resources[0].Resources);
        Assert.Equal(["a"], r.Resources[0].ResourceNames);
        Assert.Equal(16, r.OmitStagesLine);
        Assert.False(r.OmitManagedFields);
        Assert.Equal((2, 18), (p.Rules[1].Number, p.Rules[1].Line));
    }

    [Fact]
    public void Reads_Json_And_V1beta1()
    {
        var read = AuditPolicyReader.ReadText("""
            {"apiVersion": "audit.k8s.io/v1beta1", "kind": "Policy",
             "rules": [{"level": "Metadata", "verbs": ["get"]}]}
            """, "p.json");
        Assert.Empty(read.Errors);
        Assert.Equal(AuditPolicy.V1Beta1, read.Policy!.ApiVersion);
        Assert.Equal(2, read.Policy.Rules[0].Line);
    }

    [Fact]
    public void Reports_Every_Error_With_Its_Line_And_Column()
    {
        var errors = Errors("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitstages: [RequestReceived]
            rules:
              - level: Verbose
              - level: Metadata
                omitStages: [ResponseDone]
                nonResourceURLs: ["/hea*lth", "version"]
              - level: Request
                resources:
                  - group: rbac.authorization.k8s.io/v1
                    resourceNames: [x]
                users: [123]
              - level: Metadata
                namespaces: [default]
                nonResourceURLs: ["/api"]
              - verbs: [get]
            """);
        Assert.Equal(
        [
            "p.yaml:3:1: unknown field 'omitstages' in Policy (expected apiVersion, kind, metadata, rules, omitStages, omitManagedFields)",
            "p.yaml:5:12: rules[0].level 'Verbose' is not supported (None, Metadata, Request or RequestResponse)",
            "p.yaml:7:18: rules[1].omitStages: 'ResponseDone' is not a stage (RequestReceived, ResponseStarted, ResponseComplete, Panic)",
            "p.yaml:8:23: non-resource URL '/hea*lth': a wildcard '*' may only be the last character",
            "p.yaml:8:35: non-resource URL 'version' must begin with '/'",
            "p.yaml:11:16: group 'rbac.authorization.k8s.io/v1' is not a valid API group name (lower-case DNS subdomain, no version: rbac.authorization.k8s.io, not rbac.authorization.k8s.io/v1)",
            "p.yaml:12:24: rules[2].resources[0]: resourceNames needs at least one resource",
            "p.yaml:13:13: rules[2].users: expected a string here, not '123' (quote it)",
            "p.yaml:16:22: rules[3]: a rule cannot apply to both resources (resources, namespaces) and non-resource URLs",
            "p.yaml:17:5: rules[4].level is required (None, Metadata, Request or RequestResponse)",
        ], errors);
    }

    [Theory]
    [InlineData("apiVersion: audit.k8s.io/v2\nkind: Policy\nrules: [{level: None}]\n", "p.yaml:1:13: apiVersion 'audit.k8s.io/v2' is not an audit policy version (expected audit.k8s.io/v1, or the deprecated audit.k8s.io/v1beta1)")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Event\nrules: [{level: None}]\n", "p.yaml:2:7: kind 'Event' is not Policy")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n", "p.yaml:3:8: the policy has no rules (the API server refuses a policy with 0 rules)")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\n", "p.yaml:1:1: the policy has no rules (the API server refuses a policy with 0 rules)")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None}]\n---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None}]\n", "p.yaml:5:1: a policy file holds exactly one Policy; this is a second object")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    verbs: get\n", "p.yaml:5:12: rules[0].verbs must be a list of strings")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    omitManagedFields: maybe\n", "p.yaml:5:24: omitManagedFields must be true or false")]
    [InlineData("rules: [{level: None}]\n", "p.yaml:1:1: document 1 has no kind: not a Kubernetes object; skipped")]
    public void Rejects_What_The_Api_Server_Would_Not_Load(string text, string error) =>
        Assert.Contains(error, Errors(text));

    [Fact]
    public void Malformed_Yaml_Is_An_Error_With_A_Line()
    {
        var errors = Errors("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: [None\n");
        Assert.NotEmpty(errors);
        Assert.StartsWith("p.yaml:", errors[0], StringComparison.Ordinal);
    }
}
