using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.PodSecurity;

namespace Bulwark.Rules.Pod;

public sealed class PodSecurityViolation : PodRule
{
    private static readonly Dictionary<string, string[]> ControlsByCheck = new(StringComparer.Ordinal)
    {
        ["hostNamespaces"] = ["POD-7", "POD-8", "POD-9"],
        ["privileged"] = ["POD-11"],
        ["hostPorts"] = ["POD-11"],
        ["sysctls"] = ["POD-11"],
        ["procMount"] = ["POD-11"],
        ["procMount_restricted"] = ["POD-11"],
        ["seLinuxOptions"] = ["POD-11"],
        ["appArmorProfile"] = ["POD-11"],
        ["windowsHostProcess"] = ["POD-11"],
        ["hostProbesAndHostLifecycle"] = ["POD-11"],
        ["runAsNonRoot"] = ["POD-2"],
        ["runAsUser"] = ["POD-2"],
        ["allowPrivilegeEscalation"] = ["POD-3"],
        ["capabilities_baseline"] = ["POD-5"],
        ["capabilities_restricted"] = ["POD-5"],
        ["seccompProfile_baseline"] = ["POD-6"],
        ["seccompProfile_restricted"] = ["POD-6"],
        ["hostPathVolumes"] = ["POD-10"],
        ["restrictedVolumes"] = ["POD-10"],
    };

    private static readonly LevelVersion RestrictedLatest = new(PodSecurityLevel.Restricted, PolicyVersion.Latest);

    public override RuleInfo Info { get; } = new()
    {
        Id = "pod-security-violation",
        Title = "Workload violates the Pod Security level of its namespace",
        Severity = Severity.Medium,
        Layer = Layer.Pod,
        Controls = ["POD-1", "POD-2", "POD-3", "POD-5", "POD-6", "POD-7", "POD-8", "POD-9", "POD-10", "POD-11"],
        Rationale = "Pod Security Admission rejects a Pod that fails the level its namespace enforces, and a controller that fails it creates no pods. " +
            "Each pod-bearing object is evaluated with Bulwark's exact re-implementation of the admission checks against the enforce level and version of its Namespace object in the input (labels resolved with the podSecurity defaults of .bulwark.yaml, invalid enforce labels failing closed to restricted), or against restricted:latest when the input has no Namespace object for it; objects that set no namespace belong to \"default\". " +
            "Namespaces and runtime classes exempted under podSecurity.exemptions are skipped, as are system namespaces (systemNamespaces) without a Namespace object in the input. " +
            "There is one finding per failing check, whose controls are POD-1 and the control of that check (for example runAsNonRoot is POD-2); the message quotes upstream's reason and detail.",
        Remediation = "Change the pod spec as the quoted detail says (see bulwark pss check), or, for a workload that truly needs it, move it to a namespace that enforces a lower level with a stated reason.",
        Parameters = ["systemNamespaces"],
    };

    protected override void Check(RuleContext context, PodTemplate pod)
    {
        var config = context.Config.PodSecurity;
        var name = NamespaceAssessment.NamespaceOf(pod);
        if (config.ExemptionOf(name, pod.Spec.RuntimeClassName) is not null)
        {
            return;
        }

        LevelVersion policy;
        string why;
        if (context.Inventory.FindNamespace(name) is { } ns)
        {
            policy = NamespacePolicy.Resolve(ns, config.Defaults).Enforce;
            why = $"enforced by namespace \"{name}\"";
        }
        else if (context.Parameters.SystemNamespaces.Contains(name))
        {
            return;
        }
        else
        {
            policy = RestrictedLatest;
            why = $"the input has no Namespace object for \"{name}\"";
        }

        if (policy.Level == PodSecurityLevel.Privileged)
        {
            return;
        }

        var result = NamespacePodSecurity.EvaluatorFor(context).Evaluate(policy, pod);
        var verb = NamespaceAssessment.IsPod(pod) ? "violates" : "would violate";
        foreach (var failure in result.Failures)
        {
            var controls = CheckControls(failure.Check, pod);
            context.ReportControls(pod.Owner, pod.SpecPointer,
                $"{verb} PodSecurity \"{policy}\" ({why}) in check {failure.Check} ({string.Join(", ", controls.Skip(1))}): {failure}",
                controls);
        }
    }

    /// <summary>POD-1 followed by the control(s) of the check; for hostNamespaces only the namespaces actually shared.</summary>
    private static List<string> CheckControls(string check, PodTemplate pod)
    {
        var controls = new List<string> { "POD-1" };
        if (check == "hostNamespaces")
        {
            AddIf(controls, pod.Spec.HostNetwork == true, "POD-7");
            AddIf(controls, pod.Spec.HostPID == true, "POD-8");
            AddIf(controls, pod.Spec.HostIPC == true, "POD-9");
        }

        if (controls.Count == 1)
        {
            controls.AddRange(ControlsByCheck.TryGetValue(check, out var mapped) ? mapped : []);
        }

        return controls;
    }

    private static void AddIf(List<string> list, bool condition, string value)
    {
        if (condition)
        {
            list.Add(value);
        }
    }
}
