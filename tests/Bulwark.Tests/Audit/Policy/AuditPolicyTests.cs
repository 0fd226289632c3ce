using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Audit.Policy;
using Bulwark.Model;
using Xunit;

namespace Bulwark.Tests.Audit.Policy;

/// <summary>
/// The audit policy generator and checker against the test rules of Fixtures/policy/rules (Falco-shaped rules with
/// ids fx-*), so that the expectations hold whatever the built-in pack contains. Expected starvations are worked out
/// by hand from the API server's first-match evaluation (spec/AUDIT.md 5).
/// </summary>
public sealed class AuditPolicyTests
{
    public static string Fixtures => Path.Combine(Cli.RulesCommandTests.RepoRoot(), "tests", "Bulwark.Tests", "Audit", "Fixtures", "policy");

    private static readonly Lazy<CompiledPack> Pack = new(() => Load());

    private static CompiledPack Load(AuditTuning? tuning = null)
    {
        var pack = CompiledPack.Load([Path.Combine(Fixtures, "rules")], tuning, includeBuiltIn: false);
        Assert.True(pack.Errors.Count == 0, string.Join("\n", pack.Errors));
        return pack;
    }

    private static AuditPolicy Parse(string yaml)
    {
        var read = AuditPolicyReader.ReadText(yaml);
        Assert.True(read.Policy is not null, string.Join("\n", read.Errors));
        return read.Policy!;
    }

    private static Dictionary<string, RuleCheck> Starved(PolicyCheckReport report) => report.Starved.ToDictionary(r => r.Rule.Id);

    private static RequestAttributes Req(string user, string verb, string resource, string ns = "shop", string group = "", string sub = "", string name = "", params string[] groups) => new()
    {
        User = user,
        Groups = groups.Length > 0 ? groups : ProbeIdentity.For(user).Groups,
        Verb = verb,
        ApiGroup = group,
        Resource = resource,
        Subresource = sub,
        Namespace = ns,
        Name = name,
    };

    private static RequestAttributes Url(string user, string path, string verb = "get") => new()
    {
        User = user,
        Groups = ProbeIdentity.For(user).Groups,
        Verb = verb,
        IsResourceRequest = false,
        Path = path,
    };

    [Fact]
    public void Falcos_Sample_Policy_Quirks_Starve_Exactly_The_Rules_The_Spec_Names()
    {
        var read = AuditPolicyReader.ReadFile(Path.Combine(Fixtures, "policies", "falco-style.yaml"));
        Assert.True(read.Policy is not null, string.Join("\n", read.Errors));
        var report = PolicyChecker.Check(read.Policy!, Pack.Value);
        var starved = Starved(report);

        // Ingresses (networking.k8s.io), namespaced roles and rolebindings, and deployments (listed under the core
        // group, where they do not exist) all fall to the Metadata catch-all, rule 9 on line 44; the rule dropping
        // authenticated /api* (rule 5, line 28) starves the rule that looks at every request by non-system users.
        Assert.Equal(
            ["fx-binding-to-cluster-admin", "fx-deployment-host-network", "fx-disallowed-user", "fx-ingress-without-tls", "fx-role-with-wildcard"],
            starved.Keys.Order(StringComparer.Ordinal));

        var ingress = Assert.Single(starved["fx-ingress-without-tls"].Starved);
        Assert.Equal(StarveReason.LevelTooLow, ingress.Reason);
        Assert.Equal(9, ingress.PolicyRule!.Number);
        Assert.Equal(44, ingress.PolicyRule.Line);
        Assert.Equal(AuditLevel.Metadata, ingress.LoggedAt);
        Assert.Equal("fx-ingress-without-tls needs ingresses create at Request, but rule 9 (line 44) logs them at Metadata", ingress.Message);

        // ClusterRoles and ClusterRoleBindings are logged at RequestResponse (rule 2): only the namespaced kinds starve.
        Assert.Equal(["roles"], Assert.Single(starved["fx-role-with-wildcard"].Starved).Targets);
        Assert.Equal(["rolebindings"], Assert.Single(starved["fx-binding-to-cluster-admin"].Starved).Targets);
        Assert.Equal(["deployments"], Assert.Single(starved["fx-deployment-host-network"].Starved).Targets);

        var api = Assert.Single(starved["fx-disallowed-user"].Starved);
        Assert.Equal(StarveReason.Dropped, api.Reason);
        Assert.Equal(28, api.PolicyRule!.Line);
        Assert.Equal(["/api", "/api/v1", "/apis"], api.Targets);
        Assert.Equal(["alice"], api.Users);

        // Rules the policy does feed: pods at RequestResponse (rule 1), pods/exec through the core group at Request
        // with ResponseStarted kept, services and serviceaccounts/token in the core group, deployments at Metadata.
        foreach (var fed in new[] { "fx-create-privileged-pod", "fx-attach-exec-pod", "fx-port-forward", "fx-create-nodeport-service", "fx-sa-token-requested", "fx-deployment-created", "fx-configmap-credentials", "fx-anonymous-request-allowed" })
        {
            Assert.DoesNotContain(fed, starved.Keys);
        }

        // Secrets at RequestResponse (rule 7, line 36): their values reach the log.
        Assert.Contains(report.Warnings, w => w.StartsWith("rule 7 (line 36) logs secrets get at RequestResponse", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PolicyProfile.Minimal)]
    [InlineData(PolicyProfile.Recommended)]
    [InlineData(PolicyProfile.Forensic)]
    public void The_Generated_Policy_Feeds_Every_Enabled_Rule_Also_After_Writing_And_Reading_It(PolicyProfile profile)
    {
        var generated = PolicyGenerator.Generate(Pack.Value, new PolicyGeneratorOptions { Profile = profile });
        Assert.Empty(generated.Check.Starved);
        Assert.Empty(generated.Notes);

        var reread = Parse(PolicyWriter.ToYaml(generated));
        var report = PolicyChecker.Check(reread, Pack.Value);
        Assert.True(!report.Starved.Any(), string.Join("\n", report.Starved.SelectMany(s => s.Starved).Select(s => s.Message)));
        Assert.Empty(report.Warnings);
        Assert.True(reread.OmitManagedFields);
        Assert.Equal([AuditStages.RequestReceived], reread.OmitStages);
    }

    [Fact]
    public void Recommended_Drops_The_Noise_Keeps_What_Rules_Need_And_Logs_The_Rest_At_Metadata()
    {
        var policy = PolicyGenerator.Generate(Pack.Value).Policy;
        var eval = new PolicyEvaluator(policy);
        AuditLevel Level(RequestAttributes r) => eval.Evaluate(r).Level;

        Assert.Equal(AuditLevel.None, Level(Url("system:node:node-1", "/healthz")));
        Assert.Equal(AuditLevel.None, Level(Url("alice", "/readyz")));
        Assert.Equal(AuditLevel.None, Level(Req("system:serviceaccount:kube-system:replicaset-controller", "create", "events")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "delete", "events", name: "x")));
        Assert.Equal(AuditLevel.None, Level(Req("system:node:node-1", "update", "leases", "kube-node-lease", "coordination.k8s.io", name: "node-1")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "update", "leases", "shop", "coordination.k8s.io", name: "mine")));
        Assert.Equal(AuditLevel.None, Level(Req("system:kube-proxy", "watch", "endpointslices", group: "discovery.k8s.io")));
        Assert.Equal(AuditLevel.None, Level(Req("system:node:node-1", "get", "nodes", "", name: "node-1")));

        Assert.Equal(AuditLevel.Request, Level(Req("system:serviceaccount:kube-system:replicaset-controller", "create", "pods")));
        Assert.Equal(AuditLevel.Request, Level(Req("alice", "create", "ingresses", group: "networking.k8s.io")));
        Assert.Equal(AuditLevel.Request, Level(Req("alice", "update", "configmaps", name: "app")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "get", "configmaps", name: "app")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "get", "secrets", name: "db")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "create", "secrets")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "create", "tokenreviews", "", "authentication.k8s.io")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "get", "pods", name: "web")));
        var exec = eval.Evaluate(Req("alice", "create", "pods", sub: "exec", name: "web"));
        Assert.True(exec.Logs(AuditStages.ResponseStarted));
        Assert.False(exec.Logs(AuditStages.RequestReceived));
    }

    [Fact]
    public void Forensic_Logs_Bodies_Except_Secrets_ConfigMaps_And_Tokens()
    {
        var policy = PolicyGenerator.Generate(Pack.Value, new PolicyGeneratorOptions { Profile = PolicyProfile.Forensic }).Policy;
        var eval = new PolicyEvaluator(policy);
        AuditLevel Level(RequestAttributes r) => eval.Evaluate(r).Level;

        Assert.Equal(AuditLevel.RequestResponse, Level(Req("alice", "create", "pods")));
        Assert.Equal(AuditLevel.RequestResponse, Level(Req("alice", "patch", "deployments", group: "apps", name: "web")));
        Assert.Equal(AuditLevel.RequestResponse, Level(Req("alice", "delete", "widgets", group: "example.com", name: "w")));
        Assert.Equal(AuditLevel.Request, Level(Req("alice", "list", "pods")));
        Assert.Equal(AuditLevel.Request, Level(Req("alice", "get", "widgets", group: "example.com", name: "w")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "update", "secrets", name: "db")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "get", "configmaps", name: "app")));
        Assert.Equal(AuditLevel.Request, Level(Req("alice", "update", "configmaps", name: "app")));
        Assert.Equal(AuditLevel.Metadata, Level(Req("alice", "create", "tokenreviews", "", "authentication.k8s.io")));
        Assert.Equal(AuditLevel.Request, Level(Req("system:node:node-1", "create", "serviceaccounts", sub: "token", name: "web")));
        Assert.Equal(AuditLevel.Request, Level(Req("system:node:node-1", "patch", "nodes", "", sub: "status", name: "node-1")));
        Assert.Equal(AuditLevel.None, Level(Url("alice", "/livez")));
    }

    [Fact]
    public void Minimal_Logs_Nothing_The_Rules_Do_Not_Need()
    {
        var tuning = new AuditTuning
        {
            Disable = [new RuleSwitch("fx-disallowed-user", "t", new Position(1, 1)), new RuleSwitch("fx-anonymous-request-allowed", "t", new Position(1, 1))],
        };
        var pack = Load(tuning);
        var generated = PolicyGenerator.Generate(pack, new PolicyGeneratorOptions { Profile = PolicyProfile.Minimal }, tuning);
        Assert.Empty(generated.Check.Starved);
        var eval = new PolicyEvaluator(generated.Policy);

        Assert.Equal(AuditLevel.None, eval.Evaluate(Req("alice", "get", "pods", name: "web")).Level);
        Assert.Equal(AuditLevel.None, eval.Evaluate(Url("alice", "/api")).Level);
        Assert.Equal(AuditLevel.None, eval.Evaluate(Req("alice", "list", "secrets")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Req("alice", "get", "secrets", name: "db")).Level);
        Assert.Equal(AuditLevel.Request, eval.Evaluate(Req("alice", "create", "pods")).Level);
        Assert.DoesNotContain(generated.Policy.Rules, r => r.Level > AuditLevel.None && r.Resources.Count == 0 && r.NonResourceURLs.Count == 0);
    }

    [Fact]
    public void Minimal_With_A_Rule_That_Looks_At_Every_Request_Still_Logs_Every_Request_Beyond_The_Noise()
    {
        var generated = PolicyGenerator.Generate(Pack.Value, new PolicyGeneratorOptions { Profile = PolicyProfile.Minimal });
        var last = generated.Rules[^1];
        Assert.Equal(["fx-anonymous-request-allowed", "fx-disallowed-user"], last.Serves);
        Assert.Equal(AuditLevel.Metadata, last.Rule.Level);
        Assert.Empty(last.Rule.Resources);
    }

    [Fact]
    public void ConfigMaps_At_Metadata_Starve_Exactly_The_Rule_That_Reads_Their_Data()
    {
        var generated = PolicyGenerator.Generate(Pack.Value, new PolicyGeneratorOptions { ConfigMaps = ConfigMapBodies.Metadata });
        Assert.Equal(["fx-configmap-credentials"], generated.Check.Starved.Select(s => s.Rule.Id));
        Assert.Contains(generated.Notes, n => n.StartsWith("fx-configmap-credentials needs configmaps at Request, but configmaps are logged at Metadata at most", StringComparison.Ordinal));
        Assert.Equal(AuditLevel.Metadata, new PolicyEvaluator(generated.Policy).Evaluate(Req("alice", "update", "configmaps", name: "app")).Level);
    }

    [Fact]
    public void A_Name_Restricted_Need_Still_Catches_Creates_Which_Carry_No_Name()
    {
        var generated = PolicyGenerator.Generate(Pack.Value, new PolicyGeneratorOptions { Profile = PolicyProfile.Minimal });
        var eval = new PolicyEvaluator(generated.Policy);
        // aws-auth is needed on create, update and patch; a create's request has no name, so resourceNames would miss it.
        Assert.NotEqual(AuditLevel.None, eval.Evaluate(Req("alice", "create", "configmaps", "kube-system")).Level);
        Assert.NotEqual(AuditLevel.None, eval.Evaluate(Req("alice", "patch", "configmaps", "kube-system", name: "aws-auth")).Level);
        Assert.NotEqual(AuditLevel.None, eval.Evaluate(Req("alice", "delete", "configmaps", "kube-system", name: "coredns")).Level);
        Assert.Contains(generated.Policy.Rules, r => r.Resources.Any(g => g.ResourceNames.SequenceEqual(["aws-auth"])) && !r.Verbs.Contains("create"));
    }

    [Fact]
    public void A_Need_That_Overlaps_The_Noise_Is_Placed_Before_It()
    {
        var pack = CompiledPack.Compile(RulePack.Load([("r.yaml", """
            rule: fx-node-reads-node
            title: Node read by a node
            severity: low
            resources: [{group: "", resources: [nodes]}]
            verbs: [get]
            condition: ka.verb = get and ka.target.resource = nodes and ka.user.name startswith "system:node:"
            output: x
            """)]));
        Assert.Empty(pack.Errors);
        var generated = PolicyGenerator.Generate(pack);
        Assert.Empty(generated.Check.Starved);
        var need = generated.Rules.First(r => r.Serves.Contains("fx-node-reads-node")).Rule.Number;
        var noise = generated.Rules.First(r => r.Rule.UserGroups.Contains("system:nodes") && r.Rule.Level == AuditLevel.None).Rule.Number;
        Assert.True(need < noise, $"need at rule {need}, noise at rule {noise}");
    }

    [Fact]
    public void First_Match_Decides_A_None_Rule_Before_The_Need_Starves_It()
    {
        const string NoneFirst = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: None
                resources: [{group: "", resources: ["pods"]}]
              - level: Request
                resources: [{group: "", resources: ["pods"]}]
              - level: Metadata
            """;
        var starved = Starved(PolicyChecker.Check(Parse(NoneFirst), Pack.Value));
        var s = Assert.Single(starved["fx-create-privileged-pod"].Starved);
        Assert.Equal("fx-create-privileged-pod needs pods create at Request, but rule 1 (line 4) drops them (level None)", s.Message);

        const string NeedFirst = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: Request
                resources: [{group: "", resources: ["pods"]}]
              - level: None
                resources: [{group: "", resources: ["pods"]}]
              - level: Metadata
            """;
        Assert.DoesNotContain("fx-create-privileged-pod", Starved(PolicyChecker.Check(Parse(NeedFirst), Pack.Value)).Keys);
    }

    [Fact]
    public void A_Request_No_Rule_Matches_Is_Not_Logged()
    {
        const string OnlyPods = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: Request
                verbs: ["create"]
                resources: [{group: "", resources: ["pods"]}]
            """;
        var starved = Starved(PolicyChecker.Check(Parse(OnlyPods), Pack.Value));
        Assert.DoesNotContain("fx-create-privileged-pod", starved.Keys);
        var secret = Assert.Single(starved["fx-secret-get"].Starved);
        Assert.Equal(StarveReason.NotMatched, secret.Reason);
        Assert.Equal("fx-secret-get needs secrets get at Metadata, but no rule matches them: not logged", secret.Message);
    }

    [Fact]
    public void Omitted_Stages_Starve_The_Rules_That_Judge_Them_Globally_Or_Per_Rule()
    {
        const string Global = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived", "ResponseStarted"]
            rules:
              - level: Request
            """;
        var starved = Starved(PolicyChecker.Check(Parse(Global), Pack.Value));
        var exec = Assert.Single(starved["fx-attach-exec-pod"].Starved);
        Assert.Equal(StarveReason.StageOmitted, exec.Reason);
        Assert.Equal("fx-attach-exec-pod needs stage ResponseStarted of pods/exec, pods/attach create, get, but it is omitted globally (line 3)", exec.Message);
        // port-forward judges every stage: ResponseComplete is still written.
        Assert.DoesNotContain("fx-port-forward", starved.Keys);
        Assert.Equal(["fx-attach-exec-pod"], starved.Keys);

        const string PerRule = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: Metadata
                resources: [{group: "", resources: ["pods/exec"]}]
                omitStages: ["ResponseStarted"]
              - level: Request
            """;
        starved = Starved(PolicyChecker.Check(Parse(PerRule), Pack.Value));
        exec = Assert.Single(starved["fx-attach-exec-pod"].Starved);
        Assert.Equal("fx-attach-exec-pod needs stage ResponseStarted of pods/exec create, get, but it is omitted by rule 1 (line 7)", exec.Message);
        Assert.Equal(["pods/exec"], exec.Targets);
    }

    [Fact]
    public void A_Bare_Resource_Does_Not_Match_Its_Subresources()
    {
        Assert.True(PolicyEvaluator.ResourceMatches("pods", "pods", ""));
        Assert.False(PolicyEvaluator.ResourceMatches("pods", "pods", "exec"));
        Assert.True(PolicyEvaluator.ResourceMatches("pods/exec", "pods", "exec"));
        Assert.False(PolicyEvaluator.ResourceMatches("pods/exec", "pods", ""));
        Assert.False(PolicyEvaluator.ResourceMatches("pods/exec", "pods", "attach"));
        Assert.True(PolicyEvaluator.ResourceMatches("pods/*", "pods", ""));
        Assert.True(PolicyEvaluator.ResourceMatches("pods/*", "pods", "log"));
        Assert.False(PolicyEvaluator.ResourceMatches("pods/*", "services", "proxy"));
        Assert.True(PolicyEvaluator.ResourceMatches("*/status", "nodes", "status"));
        Assert.False(PolicyEvaluator.ResourceMatches("*/status", "nodes", ""));
        Assert.True(PolicyEvaluator.ResourceMatches("*", "pods", "exec"));

        const string BarePods = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: RequestResponse
                resources: [{group: "", resources: ["pods"]}]
            """;
        var starved = Starved(PolicyChecker.Check(Parse(BarePods), Pack.Value));
        Assert.DoesNotContain("fx-create-privileged-pod", starved.Keys);
        Assert.Equal(StarveReason.NotMatched, Assert.Single(starved["fx-attach-exec-pod"].Starved).Reason);

        var withExec = BarePods.Replace("[\"pods\"]", "[\"pods\", \"pods/exec\", \"pods/attach\"]", StringComparison.Ordinal);
        Assert.DoesNotContain("fx-attach-exec-pod", Starved(PolicyChecker.Check(Parse(withExec), Pack.Value)).Keys);
    }

    [Fact]
    public void NonResource_URLs_Match_Exactly_Or_By_Trailing_Wildcard()
    {
        Assert.True(PolicyEvaluator.PathMatches("/healthz", "/healthz"));
        Assert.False(PolicyEvaluator.PathMatches("/healthz/etcd", "/healthz"));
        Assert.True(PolicyEvaluator.PathMatches("/healthz/etcd", "/healthz*"));
        Assert.True(PolicyEvaluator.PathMatches("/healthzfoo", "/healthz*"));
        Assert.True(PolicyEvaluator.PathMatches("/apis", "/api*"));
        Assert.False(PolicyEvaluator.PathMatches("/apis", "/api"));
        Assert.True(PolicyEvaluator.PathMatches("/anything", "*"));

        var policy = Parse("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: None
                nonResourceURLs: ["/api*"]
              - level: Metadata
            """);
        var eval = new PolicyEvaluator(policy);
        Assert.Equal(AuditLevel.None, eval.Evaluate(Url("alice", "/apis")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Url("alice", "/version")).Level);
        // A non-resource rule never matches a resource request, even one under /api.
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Req("alice", "get", "pods", name: "web")).Level);
    }

    [Fact]
    public void Users_Groups_Verbs_And_Namespaces_Must_All_Match_And_Empty_Namespace_Is_Cluster_Scope()
    {
        var policy = Parse("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: None
                users: ["system:kube-proxy"]
                verbs: ["watch"]
              - level: Request
                userGroups: ["system:nodes"]
                namespaces: ["kube-system"]
              - level: RequestResponse
                namespaces: [""]
                resources: [{group: "rbac.authorization.k8s.io"}]
              - level: Metadata
            """);
        var eval = new PolicyEvaluator(policy);
        Assert.Equal(AuditLevel.None, eval.Evaluate(Req("system:kube-proxy", "watch", "services")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Req("system:kube-proxy", "list", "services")).Level);
        Assert.Equal(AuditLevel.Request, eval.Evaluate(Req("system:node:n", "get", "pods", "kube-system", name: "p")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Req("system:node:n", "get", "pods", "shop", name: "p")).Level);
        Assert.Equal(AuditLevel.RequestResponse, eval.Evaluate(Req("alice", "create", "clusterroles", "", "rbac.authorization.k8s.io")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Req("alice", "create", "roles", "shop", "rbac.authorization.k8s.io")).Level);
        Assert.Equal(AuditLevel.Metadata, eval.Evaluate(Url("system:kube-proxy", "/api", "get")).Level);
        Assert.Equal(AuditLevel.None, eval.Evaluate(Url("system:kube-proxy", "/api", "watch")).Level);

        // resourceNames: a create's request carries no name, so it never matches.
        var named = new PolicyEvaluator(Parse("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: Request
                resources: [{group: "", resources: ["configmaps"], resourceNames: ["aws-auth"]}]
            """));
        Assert.Equal(AuditLevel.Request, named.Evaluate(Req("alice", "update", "configmaps", "kube-system", name: "aws-auth")).Level);
        Assert.Equal(AuditLevel.None, named.Evaluate(Req("alice", "create", "configmaps", "kube-system")).Level);
    }

    [Fact]
    public void The_Checker_Flags_Rules_A_Cluster_Scope_Only_Rule_Starves()
    {
        var policy = Parse("""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
              - level: Request
                namespaces: [""]
                resources: [{group: "rbac.authorization.k8s.io"}]
              - level: Metadata
            """);
        var s = Assert.Single(Starved(PolicyChecker.Check(policy, Pack.Value))["fx-role-with-wildcard"].Starved);
        Assert.Equal(["roles"], s.Targets);
        Assert.Equal(["shop", "default", "kube-system", "kube-public"], s.Namespaces);
    }
}
