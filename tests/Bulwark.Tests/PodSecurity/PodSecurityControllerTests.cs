using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.PodSecurity;
using Xunit;

namespace Bulwark.Tests.PodSecurity;

public sealed class PodSecurityControllerTests
{
    private const string Template = """
          metadata:
            annotations:
              container.apparmor.security.beta.kubernetes.io/app: unconfined
          spec:
            containers:
              - name: app
                image: nginx
                securityContext: {privileged: true}
        """;

    [Fact]
    public void Should_Evaluate_The_Template_Of_Every_Pod_Controller_Kind()
    {
        // Given: each kind runs the same template; the controllers' own metadata carries a forbidden annotation that must be ignored
        var t = Indent(Template, 4);
        var yaml = string.Join("---\n", new[]
        {
            Controller("apps/v1", "Deployment", t),
            Controller("apps/v1", "StatefulSet", t),
            Controller("apps/v1", "DaemonSet", t),
            Controller("apps/v1", "ReplicaSet", t),
            Controller("batch/v1", "Job", t),
            Controller("v1", "ReplicationController", t),
            $"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: cronjob}}\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n{Indent(Template, 8)}\n",
            $"apiVersion: v1\nkind: PodTemplate\nmetadata: {{name: podtemplate}}\ntemplate:\n{Indent(Template, 2)}\n",
        });
        var load = new ManifestLoader().LoadText(yaml, "controllers.yaml");
        Assert.Empty(load.Errors);
        var pods = new Inventory(load.Objects).PodTemplates;
        var policy = new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.Latest);
        var evaluator = new PodSecurityEvaluator();

        // When
        var results = pods.Select(p => (p.Owner.Kind, evaluator.Evaluate(policy, p).Message)).ToList();

        // Then
        Assert.Equal(
            ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob", "PodTemplate"],
            results.Select(r => r.Kind));
        Assert.All(results, r => Assert.Equal(
            "violates PodSecurity \"baseline:latest\": forbidden AppArmor profile (annotation must not set AppArmor profile type to " +
            "\"container.apparmor.security.beta.kubernetes.io/app=\"unconfined\"\"), privileged (container \"app\" must not set securityContext.privileged=true)",
            r.Message));
    }

    private static string Controller(string apiVersion, string kind, string template) =>
        $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: {kind.ToLowerInvariant()}\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/other: unconfined\n" +
        $"spec:\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n{template}\n";

    private static string Indent(string text, int spaces)
    {
        var lines = text.Split('\n');
        var min = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Trim().Length == 0 ? l : new string(' ', spaces) + l[min..]));
    }
}
