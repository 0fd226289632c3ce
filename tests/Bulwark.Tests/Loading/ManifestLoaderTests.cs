using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Xunit;

namespace Bulwark.Tests.Loading;

public sealed class ManifestLoaderTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: nginx:1.27
                  securityContext:
                    runAsUser: 20000
        """;

    [Fact]
    public void Should_Record_Line_And_Column_Of_Every_Field_By_Json_Pointer()
    {
        // Given
        var load = new ManifestLoader().LoadText(Deployment, "d.yaml");

        // When
        var obj = Assert.Single(load.Objects);

        // Then: key positions, 1-based, as a text editor shows them (the raw string starts at column 1)
        Assert.Equal(new Position(13, 13), FieldLocator.Locate(obj.Root, "/spec/template/spec/containers/0/securityContext/runAsUser"));
        Assert.Equal(new Position(12, 11), FieldLocator.Locate(obj.Root, "/spec/template/spec/containers/0/securityContext"));
        Assert.Equal(new Position(10, 11), FieldLocator.Locate(obj.Root, "/spec/template/spec/containers/0"));
        Assert.Equal(new Position(4, 3), FieldLocator.Locate(obj.Root, "/metadata/name"));
    }

    [Fact]
    public void Should_Point_A_Missing_Field_At_Its_Nearest_Existing_Parent()
    {
        var obj = Assert.Single(new ManifestLoader().LoadText(Deployment, "d.yaml").Objects);

        Assert.Equal(new Position(12, 11), FieldLocator.Locate(obj.Root, "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem"));
        Assert.Equal(new Position(10, 11), FieldLocator.Locate(obj.Root, "/spec/template/spec/containers/0/resources/limits"));
        Assert.Null(obj.Root.At("/spec/template/spec/containers/5"));
    }

    [Fact]
    public void Should_Read_Multi_Document_Yaml_Skipping_Empty_Documents()
    {
        var text = "---\n" + Deployment + "\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";

        var load = new ManifestLoader().LoadText(text, "multi.yaml");

        Assert.Equal(["Deployment", "ConfigMap"], load.Objects.Select(o => o.Kind));
        Assert.Equal([0, 3], load.Objects.Select(o => o.Origin.DocumentIndex)); // 0-based: two empty documents sit between
        Assert.Empty(load.Errors);
    }

    [Fact]
    public void Should_Expand_List_And_Typed_Lists_Into_Their_Items()
    {
        var text = """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
              {"apiVersion": "v1", "kind": "PodList", "items": [
                 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}]}
            ]}
            """;

        var load = new ManifestLoader().LoadText(text, "list.json");

        Assert.Equal(["ConfigMap/a", "Pod/p"], load.Objects.Select(o => $"{o.Kind}/{o.Name}"));
        Assert.Equal("/items/1/items/0", load.Objects[1].Origin.ListPointer);
        Assert.Equal(4, FieldLocator.Locate(load.Objects[1].Root, "/spec").Line);
    }

    [Fact]
    public void Should_Keep_Unknown_Kinds_And_Crds_As_Objects()
    {
        var text = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: tls, namespace: web}\nspec: {secretName: tls}\n";

        var obj = Assert.Single(new ManifestLoader().LoadText(text, "crd.yaml").Objects);

        Assert.Equal("cert-manager.io", obj.Group);
        Assert.Equal("tls", obj.Root.At("/spec/secretName")!.ToString());
    }

    [Theory]
    [InlineData("yes", ScalarKind.Bool)]
    [InlineData("off", ScalarKind.Bool)]
    [InlineData("Y", ScalarKind.Bool)]
    [InlineData("~", ScalarKind.Null)]
    [InlineData("0755", ScalarKind.Int)]
    [InlineData("0x1F", ScalarKind.Int)]
    [InlineData("1_000", ScalarKind.Int)]
    [InlineData("1e3", ScalarKind.Float)]
    [InlineData("08", ScalarKind.Float)]
    [InlineData(".inf", ScalarKind.Float)]
    [InlineData("1.27", ScalarKind.Float)]
    [InlineData("nginx:1.27", ScalarKind.String)]
    [InlineData("yesterday", ScalarKind.String)]
    public void Should_Type_Plain_Scalars_Like_Kubernetes_Yaml_Decoder(string plain, ScalarKind kind)
    {
        // go-yaml v2 (used by sigs.k8s.io/yaml) follows YAML 1.1: yes/no/on/off/y/n are booleans, 0755 is octal.
        Assert.Equal(kind, ScalarResolver.Resolve(plain));
    }

    [Fact]
    public void Should_Keep_Quoted_Scalars_As_Strings()
    {
        var obj = Assert.Single(new ManifestLoader().LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 'yes', b: \"1\", c: !!str true}\n", "c.yaml").Objects);

        Assert.All(((MappingNode)obj.Root.At("/data")!).Entries, e => Assert.Equal(ScalarKind.String, ((ScalarNode)e.Value).Kind));
    }

    [Fact]
    public void Should_Apply_Merge_Keys_With_Explicit_Keys_Winning()
    {
        var text = "base: &b {image: nginx:1.0, name: base}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *b\n  name: merged\n";

        var obj = Assert.Single(new ManifestLoader().LoadText(text, "m.yaml").Objects);

        Assert.Equal("merged", obj.Name);
        Assert.Equal("nginx:1.0", obj.Root.At("/metadata/image")!.ToString());
        Assert.DoesNotContain(new ManifestLoader().LoadText(text, "m.yaml").Errors, e => e.Kind == "duplicate-key");
    }

    [Fact]
    public void Should_Report_Duplicate_Keys_With_Both_Lines_And_Use_The_Last_Value()
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\n  name: second\nspec: {containers: []}\n";

        var load = new ManifestLoader().LoadText(text, "dup.yaml");

        var error = Assert.Single(load.Errors);
        Assert.Equal(("duplicate-key", 5, 3, InputErrorLevel.Warning), (error.Kind, error.Line, error.Column, error.Level));
        Assert.Contains("first at line 4", error.Message);
        Assert.Equal("second", Assert.Single(load.Objects).Name);
    }

    [Fact]
    public void Should_Report_A_Syntax_Error_With_Line_And_Keep_Earlier_Documents()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n";

        var load = new ManifestLoader().LoadText(text, "bad.yaml");

        Assert.Equal("ok", Assert.Single(load.Objects).Name);
        var error = Assert.Single(load.Errors);
        Assert.Equal("syntax", error.Kind);
        Assert.Equal("bad.yaml", error.File);
        Assert.InRange(error.Line, 8, 9);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Should_Say_So_When_A_File_Holds_No_Kubernetes_Object()
    {
        var load = new ManifestLoader().LoadText("replicaCount: 3\nimage: {repository: nginx}\n", "values.yaml");

        Assert.Empty(load.Objects);
        Assert.Contains(load.Errors, e => e.Kind == "no-objects" && e.File == "values.yaml");
        Assert.Contains(load.Errors, e => e.Kind == "not-an-object" && e.Line == 1);
    }

    [Fact]
    public void Should_Keep_Scanning_Other_Files_When_One_Is_Broken()
    {
        using var dir = new TempDir();
        dir.Write("a/good.yaml", Deployment);
        dir.Write("a/bad.yaml", "kind: [\n");
        dir.Write("b/more.yml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        dir.Write("b/ignored.txt", "apiVersion: v1\nkind: Namespace\nmetadata: {name: nope}\n");
        dir.Write(".git/config.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n");

        var load = new ManifestLoader().Load([dir.Path]);

        Assert.Equal(["Deployment", "Namespace"], load.Objects.Select(o => o.Kind));
        Assert.Equal(3, load.Files.Count);
        Assert.Single(load.Errors, e => e.Level == InputErrorLevel.Error && e.File.EndsWith("bad.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Read_Stdin_For_Dash()
    {
        var loader = new ManifestLoader { StdinProvider = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Deployment)) };

        var load = loader.Load(["-"]);

        Assert.Equal("<stdin>", Assert.Single(load.Objects).Origin.File.Path);
    }

    [Fact]
    public void Should_Report_A_Missing_Path()
    {
        var load = new ManifestLoader().Load(["/nonexistent/bulwark/path.yaml"]);

        Assert.Equal("io", Assert.Single(load.Errors).Kind);
    }
}
