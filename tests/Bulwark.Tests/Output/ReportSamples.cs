using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Output;
using Bulwark.Rules;

namespace Bulwark.Tests.Output;

/// <summary>
/// A small hand-made scan result for the report tests: findings, suppressed findings (annotation and config) and
/// input problems, built from records directly so that it does not depend on which rules exist.
/// </summary>
public static class ReportSamples
{
    public const string WorkingDirectory = "/work/project";

    public static readonly IReadOnlyList<Rule> Rules =
    [
        new SampleRule(new RuleInfo
        {
            Id = "privileged-container",
            Title = "Privileged container",
            Severity = Severity.Critical,
            Layer = Layer.Pod,
            Controls = ["POD-11"],
            Rationale = "A privileged container can do almost anything the node can.",
            Remediation = "Set securityContext.privileged to false.",
        }),
        new SampleRule(new RuleInfo
        {
            Id = "host-network",
            Title = "Host network namespace",
            Severity = Severity.High,
            Layer = Layer.Pod,
            Controls = ["POD-7"],
            Rationale = "The pod shares the node's network stack.",
            Remediation = "Remove spec.hostNetwork.",
        }),
        new SampleRule(new RuleInfo
        {
            Id = "run-as-non-root",
            Title = "Containers may run as root",
            Severity = Severity.Medium,
            Layer = Layer.Pod,
            Controls = ["POD-2"],
            Rationale = "Root in the container is root on the node after an escape.",
            Remediation = "Set runAsNonRoot: true and a runAsUser above 10000.",
        }),
        new SampleRule(new RuleInfo
        {
            Id = "image-tag-latest",
            Title = "Image uses the latest tag",
            Severity = Severity.Low,
            Layer = Layer.Image,
            Controls = ["IMG-2"],
            Rationale = "A moving tag makes deployments unreproducible.",
            Remediation = "Pin the image by digest.",
        }),
    ];

    public static ReportContext Context(bool showSuppressed = true) => new()
    {
        Rules = Rules,
        FailOn = Severity.High,
        ShowSuppressed = showSuppressed,
        ToolVersion = "1.2.3",
        WorkingDirectory = WorkingDirectory,
    };

    public static ScanResult Result() => new()
    {
        FileCount = 4,
        ObjectCount = 6,
        Findings =
        [
            Finding("privileged-container", Severity.Critical, ["POD-11"], "container \"web\" runs privileged",
                new ObjectRef("apps/v1", "Deployment", "shop", "web"), "/spec/template/spec/containers/0/securityContext/privileged",
                new Location("deploy/web.yaml", 21, 13), "web") with
            {
                Fix = new Fix("set privileged to false", [new PatchOperation("replace", "/spec/template/spec/containers/0/securityContext/privileged", false)]),
            },
            Finding("privileged-container", Severity.Critical, ["POD-11"], "init container \"setup\" runs privileged",
                new ObjectRef("apps/v1", "Deployment", "shop", "web"), "/spec/template/spec/initContainers/0/securityContext/privileged",
                new Location("deploy/web.yaml", 30, 13), "setup"),
            Finding("host-network", Severity.High, ["POD-7"], "pod uses the node's network | `hostNetwork: true` <b>here</b>",
                new ObjectRef("apps/v1", "DaemonSet", "kube-system", "agent"), "/spec/template/spec/hostNetwork",
                new Location("/srv/elsewhere/agent.yaml", 9, 7), null),
            Finding("run-as-non-root", Severity.Medium, ["POD-2"], "container \"report\" may run as root",
                new ObjectRef("batch/v1", "CronJob", "batch", "report"), "/spec/jobTemplate/spec/template/spec/containers/0",
                new Location("deploy/team a/report.yaml", 14, 11), "report"),
            Finding("run-as-non-root", Severity.Medium, ["POD-2"], "container \"app\" may run as root",
                new ObjectRef("v1", "Pod", null, "no-position"), "/spec/containers/0", null, "app"),
        ],
        Suppressed =
        [
            Finding("host-network", Severity.High, ["POD-7"], "pod uses the node's network namespace",
                new ObjectRef("v1", "Pod", "default", "debug"), "/spec/hostNetwork", new Location("deploy/debug.yaml", 12, 3), null) with
            {
                Suppressed = new Suppression("annotation ignore.bulwark.dev/host-network at /metadata/annotations", "node debugging | approved in `SEC-42`"),
            },
            Finding("privileged-container", Severity.Critical, ["POD-11"], "container \"exporter\" runs privileged",
                new ObjectRef("apps/v1", "DaemonSet", "monitoring", "node-exporter"), "/spec/template/spec/containers/0/securityContext/privileged",
                new Location("deploy/monitoring.yaml", 40, 15), "exporter") with
            {
                Suppressed = new Suppression(".bulwark.yaml:4", "needs host devices", "2030-01-01"),
            },
        ],
        Errors =
        [
            new InputError("deploy/broken.yaml", 3, 5, "syntax", "mapping values are not allowed in this context"),
            new InputError(SourceFile.StdinName, 0, 0, "no-objects", "no Kubernetes objects found", InputErrorLevel.Warning),
        ],
    };

    /// <summary>A clean scan: objects, no findings, no problems.</summary>
    public static ScanResult Clean() => new()
    {
        FileCount = 1,
        ObjectCount = 2,
        Findings = [],
        Suppressed = [],
        Errors = [],
    };

    public static string Render(IReportRenderer renderer, ScanResult result, ReportContext context)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        renderer.Render(result, context, writer);
        return writer.ToString();
    }

    private static Finding Finding(string rule, Severity severity, IReadOnlyList<string> controls, string message, ObjectRef obj, string path, Location? location, string? container)
    {
        var info = Rules.First(r => r.Id == rule).Info;
        return new Finding
        {
            Rule = rule,
            Title = info.Title,
            Severity = severity,
            Controls = controls,
            Message = message,
            Object = obj,
            Path = path,
            Location = location,
            Remediation = info.Remediation,
            Container = container,
        };
    }

    private sealed class SampleRule(RuleInfo info) : Rule
    {
        public override RuleInfo Info { get; } = info;

        public override void Check(RuleContext context)
        {
        }
    }
}
