using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class ScanCommandTests
{
    private const string PrivilegedPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: bad, namespace: shop}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext: {privileged: true}
        """;

    private const string ConfigMapOnly = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: shop}\ndata: {color: blue}\n";

    [Fact]
    public void Should_Exit_1_When_A_Finding_Reaches_The_Fail_On_Severity()
    {
        using var dir = new TempDir();
        var file = dir.Write("pod.yaml", PrivilegedPod);

        var (code, stdout, _) = CliRunner.Run("scan", file, "-o", "json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "privileged-container");
    }

    [Fact]
    public void Should_Exit_0_When_Fail_On_Is_None()
    {
        using var dir = new TempDir();
        var file = dir.Write("pod.yaml", PrivilegedPod);

        var (code, _, _) = CliRunner.Run("scan", file, "--fail-on", "none", "-o", "json");

        Assert.Equal(0, code);
    }

    [Fact]
    public void Should_Exit_2_On_Input_Errors_While_Still_Reporting_Findings_Of_Other_Files()
    {
        // Given: one broken file beside one with a finding
        using var dir = new TempDir();
        dir.Write("a-broken.yaml", "apiVersion: v1\nkind: [\n");
        dir.Write("b-pod.yaml", PrivilegedPod);

        // When
        var (code, stdout, stderr) = CliRunner.Run("scan", dir.Path, "-o", "json");

        // Then
        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "privileged-container");
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.EndsWith("a-broken.yaml", error.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.True(error.GetProperty("line").GetInt32() > 0);
        Assert.Contains("a-broken.yaml:", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Fact]
    public void Should_Read_Stdin_For_Dash()
    {
        var (code, stdout, _) = CliRunner.RunWithStdin(PrivilegedPod, "scan", "-", "-o", "json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var finding = json.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "privileged-container");
        Assert.Equal("<stdin>", finding.GetProperty("location").GetProperty("file").GetString());
        Assert.Equal(8, finding.GetProperty("location").GetProperty("line").GetInt32());
    }

    [Fact]
    public void Should_Exit_2_With_One_Line_For_An_Unknown_Fail_On_Value()
    {
        var (code, _, stderr) = CliRunner.Run("scan", ".", "--fail-on", "severe");

        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("--fail-on", stderr);
    }

    [Fact]
    public void Should_Exit_2_For_An_Unknown_Output_Format()
    {
        var (code, _, stderr) = CliRunner.Run("scan", ".", "-o", "yaml");

        Assert.Equal(2, code);
        Assert.Contains("yaml", stderr);
    }

    [Fact]
    public void Should_Exit_2_For_A_Missing_Path()
    {
        var (code, _, stderr) = CliRunner.Run("scan", "/nonexistent/manifests", "-o", "json");

        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/manifests", stderr);
    }

    [Fact]
    public void Should_Warn_But_Not_Fail_When_A_File_Holds_No_Objects()
    {
        using var dir = new TempDir();
        dir.Write("values.yaml", "replicaCount: 2\n");
        dir.Write("cm.yaml", ConfigMapOnly);

        var (code, stdout, stderr) = CliRunner.Run("scan", dir.Path, "-o", "json", "--fail-on", "critical");

        Assert.Equal(0, code);
        Assert.Contains("values.yaml", stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains(json.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("kind").GetString() == "no-objects" && e.GetProperty("level").GetString() == "warning");
    }

    [Fact]
    public void Should_Report_An_Invalid_Config_With_File_And_Line_And_Exit_2()
    {
        using var dir = new TempDir();
        dir.Write(".bulwark.yaml", "rules:\n  privileged-container:\n    severity: extreme\n");
        dir.Write("pod.yaml", PrivilegedPod);

        var (code, _, stderr) = CliRunner.Run("scan", dir.Path);

        Assert.Equal(2, code);
        Assert.Contains(".bulwark.yaml:3:15", stderr);
        Assert.Contains("extreme", stderr);
    }

    [Fact]
    public void Should_Find_The_Config_Upward_And_Apply_Severity_And_Switches()
    {
        // Given: a config two folders up that lowers the privileged rule to low
        using var dir = new TempDir();
        dir.Write(".bulwark.yaml", "rules:\n  privileged-container: {severity: low}\n");
        var file = dir.Write("team/app/pod.yaml", PrivilegedPod);

        // When
        var (code, stdout, _) = CliRunner.Run("scan", file, "-o", "json", "--fail-on", "medium");

        // Then
        using var json = JsonDocument.Parse(stdout);
        var finding = json.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "privileged-container");
        Assert.Equal("low", finding.GetProperty("severity").GetString());
        Assert.Equal(json.RootElement.GetProperty("summary").GetProperty("failed").GetBoolean() ? 1 : 0, code);
    }

    [Fact]
    public void Should_Hide_Findings_By_Annotation_With_A_Reason_And_Show_Them_On_Request()
    {
        var pod = PrivilegedPod.Replace("metadata: {name: bad, namespace: shop}",
            "metadata:\n  name: bad\n  namespace: shop\n  annotations:\n    ignore.bulwark.dev/privileged-container: \"CNI agent needs it\"");

        var (_, stdout, _) = CliRunner.RunWithStdin(pod, "scan", "-", "-o", "json", "--show-suppressed");

        using var json = JsonDocument.Parse(stdout);
        Assert.DoesNotContain(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "privileged-container");
        var hidden = Assert.Single(json.RootElement.GetProperty("suppressed").EnumerateArray(), f => f.GetProperty("rule").GetString() == "privileged-container");
        Assert.Equal("CNI agent needs it", hidden.GetProperty("suppression").GetProperty("reason").GetString());
    }

    [Fact]
    public void Should_Render_A_Table_With_A_Summary_By_Default()
    {
        var (code, stdout, _) = CliRunner.RunWithStdin(PrivilegedPod, "scan", "-");

        Assert.Equal(1, code);
        Assert.Contains("Pod/shop/bad", stdout);
        Assert.Contains("privileged-container", stdout);
        Assert.Contains("Summary", stdout);
    }

    [Fact]
    public void Should_Not_Overwrite_Anything_Unless_Asked_And_Write_The_Report_File_When_Asked()
    {
        using var dir = new TempDir();
        var report = Path.Combine(dir.Path, "report.json");

        var (code, stdout, _) = CliRunner.RunWithStdin(PrivilegedPod, "scan", "-", "-o", "json", "--output-file", report);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal("bulwark", json.RootElement.GetProperty("tool").GetProperty("name").GetString());
    }
}
