using System.Text.Json;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class PssCommandTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels:
            pod-security.kubernetes.io/enforce: restricted
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: root-pod, namespace: shop}
        spec:
          containers:
            - name: app
              image: nginx:1.27
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              securityContext:
                runAsNonRoot: true
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: web
                  image: nginx:1.27
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: shop}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              hostNetwork: true
              runtimeClassName: kata
              containers:
                - name: agent
                  image: agent:1.0
        """;

    private const string AdmissionConfig = """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
          - name: PodSecurity
            configuration:
              apiVersion: pod-security.admission.config.k8s.io/v1
              kind: PodSecurityConfiguration
              exemptions:
                runtimeClasses: [kata]
                usernames: [admin]
        """;

    private static JsonElement Result(JsonDocument json, string name) =>
        json.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("object").GetProperty("name").GetString() == name);

    [Fact]
    public void Check_Should_Print_One_Result_Per_Pod_Bearing_Object_In_The_Documented_Shape()
    {
        // Given
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);

        // When
        var (code, stdout, _) = CliRunner.Run("pss", "check", file, "--level", "restricted", "-o", "json");

        // Then
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["results"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, json.RootElement.GetProperty("results").GetArrayLength());
        var pod = Result(json, "root-pod");
        Assert.Equal(["object", "location", "level", "version", "allowed", "violations", "message"], pod.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["apiVersion", "kind", "namespace", "name"], pod.GetProperty("object").EnumerateObject().Select(p => p.Name));
        Assert.Equal("shop", pod.GetProperty("object").GetProperty("namespace").GetString());
        Assert.Equal(["file", "line", "column"], pod.GetProperty("location").EnumerateObject().Select(p => p.Name));
        Assert.Equal(8, pod.GetProperty("location").GetProperty("line").GetInt32());
        Assert.Equal("restricted", pod.GetProperty("level").GetString());
        Assert.Equal("latest", pod.GetProperty("version").GetString());
        Assert.False(pod.GetProperty("allowed").GetBoolean());
        var first = pod.GetProperty("violations")[0];
        Assert.Equal(["check", "reason", "detail"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("allowPrivilegeEscalation", first.GetProperty("check").GetString());
        Assert.Equal("allowPrivilegeEscalation != false", first.GetProperty("reason").GetString());
        Assert.Equal("container \"app\" must set securityContext.allowPrivilegeEscalation=false", first.GetProperty("detail").GetString());
        Assert.StartsWith("violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\"",
            pod.GetProperty("message").GetString(), StringComparison.Ordinal);

        var web = Result(json, "web");
        Assert.True(web.GetProperty("allowed").GetBoolean());
        Assert.Equal(0, web.GetProperty("violations").GetArrayLength());
        Assert.Equal(string.Empty, web.GetProperty("message").GetString());
        Assert.StartsWith("would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)",
            Result(json, "agent").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_Exit_0_When_Every_Object_Passes_And_Keep_The_Version_Spelling()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);

        var (code, stdout, _) = CliRunner.Run("pss", "check", file, "--level", "baseline", "--version", "v1.99", "-o", "json");

        Assert.Equal(1, code); // the DaemonSet shares the host network
        using var json = JsonDocument.Parse(stdout);
        Assert.True(Result(json, "root-pod").GetProperty("allowed").GetBoolean());
        Assert.Equal("v1.99", Result(json, "root-pod").GetProperty("version").GetString());
        Assert.Contains("\"baseline:v1.99\"", Result(json, "agent").GetProperty("message").GetString(), StringComparison.Ordinal);

        var web = dir.Write("web.yaml", Manifests.Split("---")[2]);
        Assert.Equal(0, CliRunner.Run("pss", "check", web, "--level", "restricted").ExitCode);
    }

    [Theory]
    [InlineData("--level", "strict", "bulwark: --level must be one of privileged, baseline, restricted, not 'strict'")]
    [InlineData("--version", "1.30", "bulwark: --version must be \"latest\" or \"v1.N\" (for example v1.35), not '1.30'")]
    [InlineData("--newest-version", "v1.030", "bulwark: --newest-version must be \"latest\" or \"v1.N\" (for example v1.35), not 'v1.030'")]
    public void Check_Should_Exit_2_With_One_Line_For_A_Bad_Level_Or_Version(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);
        string[] args = option == "--level"
            ? ["pss", "check", file, option, value]
            : ["pss", "check", file, "--level", "restricted", option, value];

        var (code, stdout, stderr) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(expected, stderr.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void Check_Should_Exit_2_On_Unparseable_Input()
    {
        using var dir = new TempDir();
        var file = dir.Write("broken.yaml", "apiVersion: v1\nkind: [\n");

        var (code, _, stderr) = CliRunner.Run("pss", "check", file, "--level", "restricted", "-o", "json");

        Assert.Equal(2, code);
        Assert.Contains("broken.yaml:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_Report_RuntimeClass_Exemptions_From_An_AdmissionConfiguration_And_Note_Usernames()
    {
        // Given
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);
        var admission = dir.Write("admission.yaml", AdmissionConfig);

        // When
        var (code, stdout, stderr) = CliRunner.Run("pss", "check", file, "--level", "baseline", "-o", "json", "--admission-config", admission);

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var agent = Result(json, "agent");
        Assert.True(agent.GetProperty("allowed").GetBoolean());
        Assert.Equal("runtimeClass \"kata\" is exempt from Pod Security", agent.GetProperty("exempt").GetString());
        Assert.False(Result(json, "root-pod").TryGetProperty("exempt", out _));
        Assert.Contains("exemptions.usernames (1) not applied: offline evaluation has no requesting user", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_Read_Namespace_Exemptions_From_The_Bulwark_Config()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);
        dir.Write(".bulwark.yaml", "podSecurity:\n  exemptions:\n    namespaces: [shop]\n");

        var (code, stdout, stderr) = CliRunner.Run("pss", "check", file, "--level", "restricted", "-o", "json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.All(json.RootElement.GetProperty("results").EnumerateArray(),
            r => Assert.Equal("namespace \"shop\" is exempt from Pod Security", r.GetProperty("exempt").GetString()));
    }

    [Fact]
    public void Check_Should_Exit_2_With_File_Line_And_Column_For_A_Bad_Admission_Config()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);
        var admission = dir.Write("admission.yaml", AdmissionConfig.Replace("[kata]", "[Kata]", StringComparison.Ordinal));

        var (code, _, stderr) = CliRunner.Run("pss", "check", file, "--level", "baseline", "--admission-config", admission);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("admission.yaml:9:", line, StringComparison.Ordinal);
        Assert.Contains("exemptions.runtimeClasses: invalid value \"Kata\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_Print_A_Table_By_Default()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);

        var (code, stdout, _) = CliRunner.Run("pss", "check", file, "--level", "restricted");

        Assert.Equal(1, code);
        Assert.Contains("Pod/shop/root-pod", stdout, StringComparison.Ordinal);
        Assert.Contains("3 objects: 1 allowed, 2 violate PodSecurity \"restricted:latest\".", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Namespaces_Should_Show_Denied_Pods_Warned_Controllers_And_The_Recommendation()
    {
        // Given: shop enforces restricted (warn defaults to it); "legacy" is only named by a workload
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests + """

            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: broken
              labels:
                pod-security.kubernetes.io/warn: loud
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: migrate, namespace: legacy}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: migrate:1.0
            """);

        // When
        var (code, stdout, _) = CliRunner.Run("pss", "namespaces", file, "-o", "json");

        // Then
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var namespaces = json.RootElement.GetProperty("namespaces").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);
        Assert.Equal(["broken", "legacy", "shop"], namespaces.Keys);

        var shop = namespaces["shop"];
        Assert.Equal("restricted:latest", shop.GetProperty("enforce").GetString());
        Assert.Equal("privileged:latest", shop.GetProperty("audit").GetString());
        Assert.Equal("restricted:latest", shop.GetProperty("warn").GetString());
        Assert.Equal(["root-pod"], Names(shop, "denied"));
        Assert.Equal(["agent"], Names(shop, "podsWouldBeDenied"));
        Assert.Equal(["agent"], Names(shop, "warned")); // a denied Pod is never also warned
        Assert.Empty(Names(shop, "audited"));
        Assert.Equal(["root-pod", "agent"], Names(shop, "failingRestricted"));
        Assert.Equal("privileged", shop.GetProperty("recommendation").GetProperty("level").GetString());
        var blockers = shop.GetProperty("recommendation").GetProperty("blockingRestricted").EnumerateArray()
            .Select(b => b.GetProperty("object").GetProperty("name").GetString() + ":" + b.GetProperty("check").GetString()).ToList();
        Assert.Contains("agent:hostNamespaces", blockers);
        Assert.Contains("root-pod:runAsNonRoot", blockers);

        var legacy = namespaces["legacy"];
        Assert.Equal(JsonValueKind.Null, legacy.GetProperty("location").ValueKind);
        Assert.Equal("privileged:latest", legacy.GetProperty("enforce").GetString());
        Assert.Equal("baseline", legacy.GetProperty("recommendation").GetProperty("level").GetString());

        var broken = namespaces["broken"];
        Assert.Equal("privileged:latest", broken.GetProperty("warn").GetString());
        Assert.Equal("restricted", broken.GetProperty("recommendation").GetProperty("level").GetString());
        Assert.Equal(
            "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"loud\": must be one of privileged, baseline, restricted",
            broken.GetProperty("labelErrors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public void Namespaces_Should_Honour_Runtime_Class_Exemptions_In_Text_Output()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);
        var admission = dir.Write("admission.yaml", AdmissionConfig);

        var (code, stdout, _) = CliRunner.Run("pss", "namespaces", file, "--admission-config", admission);

        Assert.Equal(0, code);
        Assert.Contains("namespace shop (", stdout, StringComparison.Ordinal);
        Assert.Contains("enforce=restricted:latest  audit=privileged:latest  warn=restricted:latest", stdout, StringComparison.Ordinal);
        Assert.Contains("exempt", stdout, StringComparison.Ordinal);
        Assert.Contains("recommendation: enforce baseline", stdout, StringComparison.Ordinal); // the root pod passes baseline; the agent is exempt
        Assert.Contains("blocks restricted: Pod/shop/root-pod: runAsNonRoot: runAsNonRoot != true", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_Should_Print_Namespace_Manifests_Pinned_To_The_Newest_Version()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests.Split("---")[0] + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: empty\n  labels: {team: \"yes\"}\n");

        var (code, stdout, _) = CliRunner.Run("pss", "labels", file);

        Assert.Equal(0, code);
        var expected = """
            # enforce restricted: no workload in the input runs here
            apiVersion: v1
            kind: Namespace
            metadata:
              name: empty
              labels:
                team: "yes"
                pod-security.kubernetes.io/enforce: restricted
                pod-security.kubernetes.io/enforce-version: v1.35
                pod-security.kubernetes.io/audit: restricted
                pod-security.kubernetes.io/audit-version: v1.35
                pod-security.kubernetes.io/warn: restricted
                pod-security.kubernetes.io/warn-version: v1.35
            ---
            """;
        Assert.StartsWith(expected.ReplaceLineEndings("\n"), stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  name: shop\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_Should_Print_Merge_Patches_At_The_Recommended_Or_Given_Level()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests);

        var recommended = CliRunner.Run("pss", "labels", file, "-o", "patch", "--newest-version", "v1.33");
        var forced = CliRunner.Run("pss", "labels", file, "-o", "patch", "--level", "baseline", "--version", "v1.30");

        Assert.Equal(0, recommended.ExitCode);
        Assert.Contains(
            "kubectl patch namespace shop --type=merge -p '{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"privileged\",\"pod-security.kubernetes.io/enforce-version\":\"v1.33\",",
            recommended.Out, StringComparison.Ordinal);
        Assert.Contains("\"pod-security.kubernetes.io/enforce\":\"baseline\",\"pod-security.kubernetes.io/enforce-version\":\"v1.30\"", forced.Out, StringComparison.Ordinal);
        Assert.Contains("# would be denied at baseline:v1.30: DaemonSet/shop/agent: hostNamespaces", forced.Out, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("pss", "labels", file, "--level", "High").ExitCode);
    }

    [Fact]
    public void Scan_Should_Report_Each_Failing_Check_With_Its_Control_And_Would_Break_Evidence()
    {
        using var dir = new TempDir();
        var file = dir.Write("app.yaml", Manifests.Replace("pod-security.kubernetes.io/enforce: restricted", "team: shop", StringComparison.Ordinal));

        var (_, stdout, _) = CliRunner.Run("scan", file, "-o", "json");

        using var json = JsonDocument.Parse(stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.DoesNotContain(findings, f => f.GetProperty("rule").GetString() == "pod-security-violation"); // no enforce label: privileged
        var notEnforced = findings.Single(f => f.GetProperty("rule").GetString() == "namespace-pss-not-enforced");
        Assert.EndsWith("; 2 of its 3 workloads in the input would fail restricted (Pod/root-pod, DaemonSet/agent)",
            notEnforced.GetProperty("message").GetString(), StringComparison.Ordinal);

        var enforced = dir.Write("app.yaml", Manifests);
        using var json2 = JsonDocument.Parse(CliRunner.Run("scan", enforced, "-o", "json").Out);
        var runAsNonRoot = json2.RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("rule").GetString() == "pod-security-violation" && f.GetProperty("object").GetProperty("name").GetString() == "root-pod" &&
                f.GetProperty("message").GetString()!.Contains("check runAsNonRoot", StringComparison.Ordinal));
        Assert.Equal(["POD-1", "POD-2"], runAsNonRoot.GetProperty("controls").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(
            "violates PodSecurity \"restricted:latest\" (enforced by namespace \"shop\") in check runAsNonRoot (POD-2): runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)",
            runAsNonRoot.GetProperty("message").GetString());
    }

    private static List<string?> Names(JsonElement ns, string property) =>
        ns.GetProperty(property).EnumerateArray().Select(r => r.GetProperty("object").GetProperty("name").GetString()).ToList();
}
