using Bulwark.Loading;
using Bulwark.PodSecurity;
using Bulwark.Rbac;
using Bulwark.Rbac.Paths;
using Xunit;

namespace Bulwark.Tests.Rbac;

/// <summary>
/// Escalation paths (RBAC.md section 3) on hand-written fixtures under Rbac/Fixtures/paths/: each file lists, in
/// comment lines <c># path: SOURCE | EDGE TO | EDGE TO ...</c>, exactly the paths expected from the default sources,
/// in the expected order (shortest first, then by source).
/// </summary>
public sealed class EscalationPathTests
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Rbac", "Fixtures", "paths");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Root, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Should_Find_Exactly_The_Expected_Paths_Shortest_First(string fixture)
    {
        // Given
        var file = Path.Combine(Root, fixture);
        var expected = File.ReadLines(file).Where(l => l.StartsWith("# path: ", StringComparison.Ordinal)).Select(l => l["# path: ".Length..].Trim()).ToList();

        // When
        var paths = Find(File.ReadAllText(file), fixture);

        // Then
        Assert.Equal(expected, paths.Select(Render).ToList());
    }

    [Fact]
    public void Should_Start_Only_From_The_Given_Subject()
    {
        // Given
        var (graph, options) = Build(File.ReadAllText(Path.Combine(Root, "7-multi-hop.yaml")), "multi.yaml");

        // When
        var paths = PathFinder.Find(graph, Identity.ClusterAdmin, [Identity.Group("devs")], options);

        // Then
        var path = Assert.Single(paths);
        Assert.Equal(["token-request", "impersonate", "cluster-admin-equivalent"], path.Steps.Select(s => s.Risk));
        Assert.Equal("build", path.Steps[0].Scope);
        Assert.Equal("RoleBinding", path.Steps[0].Via[0].Binding.Kind);
        Assert.Equal("devs-tokens", path.Steps[0].Via[0].Binding.Name);
        Assert.Equal("builder-tokens", path.Steps[0].Via[0].Role.Name);
        Assert.Contains("serviceaccounts/token", path.Steps[0].Via[0].Rule.Resources);
    }

    [Fact]
    public void Should_Mark_Secret_Reads_Conditional_Unless_A_Token_Secret_Exists()
    {
        // Given
        var text = File.ReadAllText(Path.Combine(Root, "3-tokens-and-secrets.yaml"));
        const string TokenSecret = """
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: admin-bot-token
              namespace: kube-system
              annotations: {kubernetes.io/service-account.name: admin-bot}
            type: kubernetes.io/service-account-token
            """;

        // When
        var without = Find(text, "a.yaml").Single(p => p.From == Identity.User("ivy"));
        var with = Find(text + "\n" + TokenSecret, "b.yaml").Single(p => p.From == Identity.User("ivy"));

        // Then
        Assert.Contains("legacy service-account-token Secret", without.Steps[0].Condition, StringComparison.Ordinal);
        Assert.Null(with.Steps[0].Condition);
    }

    [Fact]
    public void Should_Include_System_Subjects_Only_When_Asked()
    {
        // Given
        var text = File.ReadAllText(Path.Combine(Root, "2-workload-create.yaml"));
        var (graph, _) = Build(text, "w.yaml");
        var options = new PathOptions { IncludeSystemSubjects = true };

        // When
        var paths = PathFinder.Find(graph, Identity.ClusterAdmin, PathFinder.DefaultSources(graph, options), options);

        // Then
        Assert.Contains(paths, p => p.From == Identity.ServiceAccount("kube-system", "ops-controller") && p.Steps.Count == 1);
    }

    [Fact]
    public void Should_Give_A_Node_Identity_The_Accounts_Of_Pods_Conditionally()
    {
        // Given
        var (graph, options) = Build(File.ReadAllText(Path.Combine(Root, "8-nodes-proxy.yaml")), "n.yaml");

        // When
        var paths = PathFinder.Find(graph, Identity.ClusterAdmin, [Identity.User("system:node:worker-1")], options);

        // Then
        var path = Assert.Single(paths);
        Assert.Equal(["node-identity", "cluster-admin-equivalent"], path.Steps.Select(s => s.Risk));
        Assert.Equal(Identity.ServiceAccount("kube-system", "node-agent"), path.Steps[0].To);
        Assert.Empty(path.Steps[0].Via);
        Assert.Contains("scheduled on node worker-1", path.Steps[0].Condition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8-nodes-proxy.yaml", "user:paul", "kubelet API")]
    [InlineData("9-node-write.yaml", "user:tom", "evicted pods")]
    [InlineData("10-aws-auth.yaml", "user:yuri", "only on EKS")]
    public void Should_Mark_Node_And_Eks_Edges_Conditional(string fixture, string source, string condition)
    {
        // Given
        var text = File.ReadAllText(Path.Combine(Root, fixture));

        // When
        var path = Find(text, fixture).Single(p => p.From == Identity.Parse(source));

        // Then
        Assert.Contains(condition, path.Steps[0].Condition, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_Both_Grants_Of_A_Pod_Stealing_Step()
    {
        // Given
        var text = File.ReadAllText(Path.Combine(Root, "9-node-write.yaml"));

        // When
        var path = Find(text, "n.yaml").Single(p => p.From == Identity.User("tom"));

        // Then
        Assert.Equal(["node-tainters", "tom-evicts"], path.Steps[0].Via.Select(g => g.Binding.Name));
        Assert.Equal("shop", path.Steps[0].Scope);
    }

    [Fact]
    public void Should_Respect_The_Depth_Bound()
    {
        // Given
        var (graph, _) = Build(File.ReadAllText(Path.Combine(Root, "7-multi-hop.yaml")), "m.yaml");
        var options = new PathOptions { MaxDepth = 2 };

        // When
        var paths = PathFinder.Find(graph, Identity.ClusterAdmin, PathFinder.DefaultSources(graph, options), options);

        // Then
        Assert.Equal([Identity.ServiceAccount("build", "builder")], paths.Select(p => p.From));
    }

    [Fact]
    public void Should_Find_Paths_To_A_Subject()
    {
        // Given
        var (graph, options) = Build(File.ReadAllText(Path.Combine(Root, "7-multi-hop.yaml")), "m.yaml");

        // When
        var paths = PathFinder.Find(graph, Identity.ServiceAccount("build", "builder"), [Identity.User("vic")], options);

        // Then
        var path = Assert.Single(paths);
        Assert.Equal(Identity.ServiceAccount("build", "builder"), Assert.Single(path.Steps).To);
    }

    [Theory]
    [InlineData("user:alice", RbacSubject.User, "alice", null)]
    [InlineData("group:devs", RbacSubject.Group, "devs", null)]
    [InlineData("serviceaccount:ns:sa", RbacSubject.ServiceAccount, "sa", "ns")]
    [InlineData("user:system:serviceaccount:ns:sa", RbacSubject.ServiceAccount, "sa", "ns")]
    [InlineData("cluster-admin", Identity.TargetKind, "cluster-admin", null)]
    public void Should_Parse_Identities(string text, string kind, string name, string? ns)
    {
        // When
        var identity = Identity.Parse(text);

        // Then
        Assert.Equal(new Identity(kind, name, ns), identity);
    }

    private static string Render(EscalationPath path) =>
        string.Join(" | ", path.Steps.Select(s => $"{s.Risk} {s.To}").Prepend(path.From.ToString()));

    [Fact]
    public void Should_Explain_Why_A_Pod_Reaches_Its_Node()
    {
        // Given
        var text = File.ReadAllText(Path.Combine(Root, "11-privileged-pod-node.yaml"));

        // When
        var paths = Find(text, "p.yaml");

        // Then
        var dan = paths.Single(p => p.From == Identity.User("dan")).Steps[0];
        var tina = paths.Single(p => p.From == Identity.User("tina")).Steps[0];
        Assert.Equal(("dev", "dan-runs-pods"), (dan.Scope, dan.Via[0].Binding.Name));
        Assert.Contains("admission default (privileged)", dan.Condition, StringComparison.Ordinal);
        Assert.Contains("its enforce level is privileged", tina.Condition, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Follow_The_Configured_Pod_Security_Default_And_Exemptions()
    {
        // Given: the admission default is baseline, and prod (labelled baseline) is exempt
        var text = File.ReadAllText(Path.Combine(Root, "11-privileged-pod-node.yaml"));
        var options = new PathOptions
        {
            PodSecurity = new PodSecurityConfiguration
            {
                Defaults = new PodSecurityDefaults { Enforce = new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.Latest) },
                Exemptions = new PodSecurityExemptions { Namespaces = ["prod"] },
            },
        };

        // When
        var sources = Find(text, "p.yaml", options).Select(p => p.From.ToString()).ToList();

        // Then: dan's unlabelled dev is now baseline; tina's explicit label still allows; paula's exempt prod allows
        Assert.Equal(["user:ops", "user:paula", "user:tina"], sources);
    }

    private static IReadOnlyList<EscalationPath> Find(string text, string name, PathOptions? options = null)
    {
        var (graph, used) = Build(text, name, options);
        return PathFinder.Find(graph, Identity.ClusterAdmin, PathFinder.DefaultSources(graph, used), used);
    }

    private static (EscalationGraph Graph, PathOptions Options) Build(string text, string name, PathOptions? options = null)
    {
        var objects = new ManifestLoader().LoadText(text, name).Objects;
        options ??= new PathOptions();
        return (EscalationGraph.Build(RbacModel.Build(objects), objects, options), options);
    }
}
