using System.Text.Json;
using Bulwark.Loading;
using Bulwark.Tests.Network;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class NetpolDiffGenerateCommandTests : IDisposable
{
    private const string Workloads = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: shop}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec:
              containers: [{name: client, image: "curlimages/curl:8.8.0"}]

        """;

    private const string Policy = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: web}
          ingress:
            - from:
                - podSelector:
                    matchLabels: {app: client}
              ports:
                - port: 8080

        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Exit_0_When_The_Versions_Allow_The_Same_Connections()
    {
        // Given: the same policy, written in another file layout
        var old = _dir.Write("old/all.yaml", Workloads + Policy);
        _dir.Write("new/workloads.yaml", Workloads);
        _dir.Write("new/policy.yaml", Policy);

        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "diff", "-f", old, "--to", Path.Combine(_dir.Path, "new"));

        // Then
        Assert.True(code == 0, stderr);
        Assert.Contains("No difference", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_1_And_Write_The_Changes_As_Json()
    {
        // Given: the policy widens 8080 to 8080-8090
        var old = _dir.Write("old.yaml", Workloads + Policy);
        var now = _dir.Write("new.yaml", Workloads + Policy.Replace("- port: 8080", "- {port: 8080, endPort: 8090}", StringComparison.Ordinal));

        // When
        var (code, stdout, _) = CliRunner.Run("netpol", "diff", "-f", old, "--to", now, "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("summary").GetProperty("changed").GetInt32());
        Assert.Equal(0, root.GetProperty("summary").GetProperty("added").GetInt32());
        var change = Assert.Single(root.GetProperty("changes").EnumerateArray());
        Assert.Equal("changed", change.GetProperty("change").GetString());
        Assert.Equal("client", change.GetProperty("src").GetProperty("name").GetString());
        Assert.Equal("web", change.GetProperty("dst").GetProperty("name").GetString());
        Assert.Equal(8080, change.GetProperty("before")[0].GetProperty("to").GetInt32());
        Assert.Equal(8090, change.GetProperty("after")[0].GetProperty("to").GetInt32());
        Assert.Equal(8081, change.GetProperty("added")[0].GetProperty("from").GetInt32());
        Assert.Empty(change.GetProperty("removed").EnumerateArray());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("before").GetProperty("errors").ValueKind);
    }

    [Fact]
    public void Should_Write_Csv_And_Markdown_Diffs()
    {
        var old = _dir.Write("old.yaml", Workloads);
        var now = _dir.Write("new.yaml", Workloads + Policy);

        var (csvCode, csv, _) = CliRunner.Run("netpol", "diff", "-f", old, "--to", now, "-o", "csv");
        var (mdCode, md, _) = CliRunner.Run("netpol", "diff", "-f", old, "--to", now, "-o", "md");

        // Then: web's ingress narrows from all to TCP 8080 for client, and closes for every address
        Assert.Equal(1, csvCode);
        Assert.Contains("changed,shop/Deployment/client,shop/Deployment/web,all,TCP 8080,none,", csv, StringComparison.Ordinal);
        Assert.Contains("removed,0.0.0.0-255.255.255.255 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,shop/Deployment/web,all,none,none,all", csv, StringComparison.Ordinal);
        Assert.Equal(1, mdCode);
        Assert.Contains("| Change | Source | Destination | Before | After | Added | Removed |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_2_On_An_Invalid_Policy_Or_A_Missing_Version()
    {
        var old = _dir.Write("old.yaml", Workloads);
        var broken = _dir.Write("broken.yaml", Workloads + Policy.Replace("- port: 8080", "- port: 0", StringComparison.Ordinal));

        var (invalidCode, _, invalidErr) = CliRunner.Run("netpol", "diff", "-f", old, "--to", broken);
        var (missingCode, _, _) = CliRunner.Run("netpol", "diff", "-f", old);

        Assert.Equal(2, invalidCode);
        Assert.Contains("new: error:", invalidErr, StringComparison.Ordinal);
        Assert.Equal(2, missingCode);
    }

    [Fact]
    public void Should_Generate_Policies_That_Read_Back_And_Are_Verified()
    {
        // Given
        var input = _dir.Write("app.yaml", GenerateTests.App + "\n---\n" + GenerateTests.CoreDns);

        // When
        var (code, stdout, stderr) = CliRunner.Run("netpol", "generate", "-f", input);

        // Then: a YAML stream of NetworkPolicies labelled managed-by bulwark, verified on stderr
        Assert.True(code == 0, stderr);
        var load = new ManifestLoader().LoadText(stdout, "out.yaml");
        Assert.Empty(load.Errors);
        Assert.Equal(9, load.Objects.Count);
        Assert.All(load.Objects, o => Assert.Equal("NetworkPolicy", o.Kind));
        Assert.All(load.Objects, o => Assert.Equal("bulwark", o.Labels?.GetString("app.kubernetes.io/managed-by")));
        Assert.Contains("bulwark: verified: the generated policies allow exactly the 7 intended connections", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Warn_On_Stderr_When_No_Dns_Server_Is_In_The_Input()
    {
        var input = _dir.Write("app.yaml", GenerateTests.App);

        var (code, stdout, stderr) = CliRunner.Run("netpol", "generate", "-f", input, "-o", "json");

        Assert.Equal(0, code);
        Assert.Contains("bulwark: warning: no DNS server found in the input", stderr, StringComparison.Ordinal);
        Assert.Contains("(DNS not verified: no DNS server in the input)", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("List", json.RootElement.GetProperty("kind").GetString());
        var dns = json.RootElement.GetProperty("items").EnumerateArray().First(i => i.GetProperty("metadata").GetProperty("name").GetString() == "allow-dns");
        var peer = dns.GetProperty("spec").GetProperty("egress")[0].GetProperty("to")[0];
        Assert.Equal("kube-dns", peer.GetProperty("podSelector").GetProperty("matchLabels").GetProperty("k8s-app").GetString());
        Assert.Equal(53, dns.GetProperty("spec").GetProperty("egress")[0].GetProperty("ports")[0].GetProperty("port").GetInt32());
    }

    [Fact]
    public void Should_Exit_1_When_The_Verification_Fails()
    {
        // Given: a hostNetwork client of the api
        var input = _dir.Write("app.yaml", GenerateTests.App + "\n---\n" + GenerateTests.CoreDns + """

            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: debug, namespace: shop}
            spec:
              hostNetwork: true
              containers: [{name: c, image: "busybox:1.36", command: ["wget", "http://api.shop:8000/health"]}]
            """);

        // When
        var (code, _, stderr) = CliRunner.Run("netpol", "generate", "-f", input);

        // Then
        Assert.Equal(1, code);
        Assert.Contains("verification failed", stderr, StringComparison.Ordinal);
        Assert.Contains("intended but not allowed: shop/Pod/debug -> shop/Deployment/api: TCP 8000 (hostNetwork: policy effect unknown)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Overwrite_Files_Without_Force()
    {
        // Given
        var input = _dir.Write("app.yaml", GenerateTests.App + "\n---\n" + GenerateTests.CoreDns);
        var output = Path.Combine(_dir.Path, "out");

        // When: generated once, then again with one file edited by hand
        var (first, firstOut, _) = CliRunner.Run("netpol", "generate", "-f", input, "--output-dir", output);
        var edited = Path.Combine(output, "shop", "api-ingress.yaml");
        File.WriteAllText(edited, "# mine\n");
        var (second, _, secondErr) = CliRunner.Run("netpol", "generate", "-f", input, "--output-dir", output);
        var kept = File.ReadAllText(edited);
        var (third, _, _) = CliRunner.Run("netpol", "generate", "-f", input, "--output-dir", output, "--force");

        // Then
        Assert.Equal(0, first);
        Assert.Contains("wrote ", firstOut, StringComparison.Ordinal);
        Assert.Equal(9, Directory.GetFiles(output, "*.yaml", SearchOption.AllDirectories).Length);
        Assert.True(File.Exists(Path.Combine(output, "data", "default-deny.yaml")));
        Assert.Equal(2, second);
        Assert.Contains("already exists", secondErr, StringComparison.Ordinal);
        Assert.Equal("# mine\n", kept);
        Assert.Equal(0, third);
        Assert.Contains("name: api-ingress", File.ReadAllText(edited), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Regenerate_The_Connectivity_Of_Generated_Policies_From_Its_Json()
    {
        // Given: the connectivity of the app with its generated policies, as netpol connectivity writes it
        var input = _dir.Write("app.yaml", GenerateTests.App + "\n---\n" + GenerateTests.CoreDns);
        var (_, generated, _) = CliRunner.Run("netpol", "generate", "-f", input);
        var policies = _dir.Write("policies.yaml", generated);
        var (_, connectivity, _) = CliRunner.Run("netpol", "connectivity", "-f", input, policies, "-o", "json");
        var file = _dir.Write("connections.json", connectivity);

        // When: generating from that file (it already holds the DNS connections)
        var (code, _, stderr) = CliRunner.Run("netpol", "generate", "-f", input, "--from-connections", file, "--no-dns");

        // Then: the file's connections are exactly what the new policies allow
        Assert.True(code == 0, stderr);
        Assert.Contains("bulwark: verified:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Exit_2_On_A_Bad_Connections_File_Or_Both_Sources()
    {
        var input = _dir.Write("app.yaml", GenerateTests.App);
        var file = _dir.Write("bad.json", """{"connections": [{"src": {"namespace": "shop", "kind": "Deployment", "name": "ghost"}, "dst": {"external": ["1.2.3.4"]}, "allowed": "all"}]}""");

        var (badCode, _, badErr) = CliRunner.Run("netpol", "generate", "-f", input, "--from-connections", file);
        var (bothCode, _, _) = CliRunner.Run("netpol", "generate", "-f", input, "--from-connections", file, "--from-services");

        Assert.Equal(2, badCode);
        Assert.Contains("connections[0].src: no workload shop/Deployment/ghost in the input", badErr, StringComparison.Ordinal);
        Assert.Equal(2, bothCode);
    }

    [Fact]
    public void Should_Draw_Connectivity_As_Svg()
    {
        var input = _dir.Write("app.yaml", Workloads + Policy);

        var (code, stdout, _) = CliRunner.Run("netpol", "connectivity", "-f", input, "-o", "svg");

        Assert.Equal(0, code);
        var svg = System.Xml.Linq.XDocument.Parse(stdout);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
    }
}
