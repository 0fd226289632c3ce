using System.Diagnostics;
using System.Text;
using Bulwark.Loading;
using Bulwark.Rbac;
using Xunit;

namespace Bulwark.Tests.Rbac;

/// <summary>The indexes keep can-i and who-can fast on a large cluster (10,000 roles, 20,000 bindings).</summary>
public sealed class RbacIndexTests
{
    [Fact]
    public void Should_Answer_Queries_Quickly_On_A_Large_Cluster()
    {
        // Given
        var text = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            var ns = $"ns{i % 500}";
            text.Append(i % 2 == 0
                ? $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r{i}, namespace: {ns}}}\nrules:\n- {{apiGroups: [\"\"], resources: [res{i % 300}, pods], verbs: [get, list]}}\n"
                : $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: r{i}}}\nrules:\n- {{apiGroups: [apps], resources: [res{i % 300}], verbs: [\"*\"]}}\n");
        }

        for (var i = 0; i < 20_000; i++)
        {
            var role = i % 10_000;
            var ns = $"ns{role % 500}";
            text.Append(role % 2 == 0
                ? $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b{i}, namespace: {ns}}}\nroleRef: {{kind: Role, name: r{role}}}\nsubjects:\n- {{kind: User, name: u{i % 2000}}}\n- {{kind: ServiceAccount, name: sa{i % 50}}}\n"
                : $"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: b{i}}}\nroleRef: {{kind: ClusterRole, name: r{role}}}\nsubjects:\n- {{kind: Group, name: g{i % 100}}}\n");
        }

        var objects = new ManifestLoader().LoadText(text.ToString(), "big.yaml").Objects;
        var model = RbacModel.Build(objects);
        var canI = RequestAttributes.ForResource("get", "apps", "res7", @namespace: "ns7");
        var whoCan = RequestAttributes.ForResource("list", string.Empty, "pods", @namespace: "ns42");
        model.CanI(canI, UserInfo.ForUser("u7", ["g7"]));
        model.WhoCan(whoCan);

        // When
        var watch = Stopwatch.StartNew();
        const int Rounds = 20;
        var allowed = 0;
        var subjects = 0;
        for (var i = 0; i < Rounds; i++)
        {
            allowed += model.CanI(canI, UserInfo.ForUser($"u{i}", [$"g{i}"])).Allowed ? 1 : 0;
            subjects += model.WhoCan(whoCan with { Namespace = $"ns{i}" }).Subjects.Count;
        }

        watch.Stop();

        // Then: each pair of queries well under 2 × 10 ms on average (generous for a shared machine)
        Assert.True(allowed > 0);
        Assert.True(subjects > 0);
        Assert.True(watch.Elapsed.TotalMilliseconds / Rounds < 20, $"{watch.Elapsed.TotalMilliseconds / Rounds:F2} ms per can-i + who-can");
    }
}
