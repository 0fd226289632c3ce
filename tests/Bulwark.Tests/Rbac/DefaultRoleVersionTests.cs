using Bulwark.Loading;
using Bulwark.Rbac;
using Xunit;

namespace Bulwark.Tests.Rbac;

/// <summary>The default roles per Kubernetes version: each encoded delta changes a can-i answer at its version boundary.</summary>
public sealed class DefaultRoleVersionTests
{
    private const string Bindings = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-edit, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects: [{kind: User, name: alice}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-admin, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
        subjects: [{kind: User, name: ann}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-view, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: User, name: victor}]
        """;

    public static TheoryData<string, string, string, string, string, bool> Boundaries => new()
    {
        // user, verb, group, resource/sub, older version, allowed at the older version (the newer one answers the opposite)
        { "alice", "create", "", "endpoints", "1.21", true },                        // #103704: edit lost endpoints write in 1.22
        { "ann", "update", "", "endpoints", "1.21", true },                          // ... and admin with it, through aggregation
        { "victor", "list", "discovery.k8s.io", "endpointslices", "1.21", false },  // #101203: view reads endpointslices from 1.22
        { "alice", "watch", "discovery.k8s.io", "endpointslices", "1.21", false },  // ... and edit with it
        { "alice", "create", "", "serviceaccounts/token", "1.23", false },          // #107880: TokenRequest for edit from 1.24
        { "ann", "create", "", "serviceaccounts/token", "1.23", false },            // ... and admin
        { "alice", "update", "coordination.k8s.io", "leases", "1.24", false },      // #111472: leases for edit from 1.25
        { "ann", "delete", "coordination.k8s.io", "leases", "1.24", false },        // ... and admin
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Should_Change_The_Answer_At_The_Version_Boundary(string user, string verb, string group, string resource, string older, bool allowedBefore)
    {
        // Given
        var (res, sub) = AccessMatrix.Split(resource);
        var request = RequestAttributes.ForResource(verb, group, res, sub, string.Empty, "shop");
        var newer = KubernetesVersion.Parse(older) with { Minor = KubernetesVersion.Parse(older).Minor + 1 };

        // When
        var before = Build(older).CanI(request, UserInfo.ForUser(user, []));
        var after = Build(newer.ToString()).CanI(request, UserInfo.ForUser(user, []));

        // Then
        Assert.Equal(allowedBefore, before.Allowed);
        Assert.Equal(!allowedBefore, after.Allowed);
    }

    [Fact]
    public void Should_Use_The_Newest_Roles_By_Default()
    {
        // Given
        var request = RequestAttributes.ForResource("update", "coordination.k8s.io", "leases", string.Empty, string.Empty, "shop");

        // When
        var byDefault = Build(null).CanI(request, UserInfo.ForUser("alice", []));
        var recent = Build("v1.40.2").CanI(request, UserInfo.ForUser("alice", []));

        // Then
        Assert.True(byDefault.Allowed);
        Assert.True(recent.Allowed);
        Assert.Same(DefaultRoles.ClusterRoles, DefaultRoles.ClusterRolesFor(new KubernetesVersion(1, 40)));
    }

    [Fact]
    public void Should_Undo_Every_Delta_Exactly()
    {
        // Given: the oldest version undoes every delta, whose added rules must exist in the newer data as written
        var oldest = DefaultRoles.ClusterRolesFor(DefaultRoles.OldestVersion);

        // Then: the same roles, and every delta names its upstream source
        Assert.Equal(DefaultRoles.ClusterRoles.Select(o => o.Name), oldest.Select(o => o.Name));
        Assert.NotEmpty(DefaultRoles.Deltas);
        Assert.All(DefaultRoles.Deltas, d => Assert.False(string.IsNullOrWhiteSpace(d.Source)));
    }

    [Theory]
    [InlineData("1.20")]
    [InlineData("one.two")]
    [InlineData("1")]
    public void Should_Refuse_An_Unknown_Version(string version)
    {
        Assert.Throws<ArgumentException>(() => Build(version));
    }

    [Fact]
    public void Should_Ignore_The_Version_Without_Default_Roles()
    {
        // When
        var model = RbacModel.Build(Load(), new RbacModelOptions { IncludeDefaultRoles = false, KubernetesVersion = "1.21" });

        // Then
        Assert.Null(model.FindRole(new RoleKey(RoleKey.ClusterRoleKind, string.Empty, "edit")));
    }

    private static RbacModel Build(string? version) =>
        RbacModel.Build(Load(), new RbacModelOptions { KubernetesVersion = version });

    private static List<Bulwark.Model.KubeObject> Load() => new ManifestLoader().LoadText(Bindings, "bindings.yaml").Objects;
}
