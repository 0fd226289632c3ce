using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Pod;

public sealed class AllowPrivilegeEscalation : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "allow-privilege-escalation",
        Title = "Container allows privilege escalation",
        Severity = Severity.High,
        Layer = Layer.Pod,
        Controls = ["POD-3", "POD-1"],
        Rationale = "Unless allowPrivilegeEscalation is false the kubelet does not set no_new_privs, so setuid binaries and file capabilities can raise a process's privileges inside the container. " +
            "An unset value counts as a violation because the guide (and Pod Security Admission's restricted level) wants an explicit false; kube-linter flags only an explicit true. " +
            "A privileged container or one that adds CAP_SYS_ADMIN (or ALL) can escalate regardless of the setting, and the API server rejects allowPrivilegeEscalation: false combined with privileged: true or with an added \"CAP_SYS_ADMIN\". " +
            "Windows pods are skipped, as Kubernetes and Pod Security Admission (1.25+) do not apply this setting to them.",
        Remediation = "Set securityContext.allowPrivilegeEscalation: false on every container (init and ephemeral containers included), and remove privileged: true and CAP_SYS_ADMIN where they are set.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (pod.IsWindows)
        {
            return;
        }

        var sc = container.SecurityContext;
        var setting = sc?.AllowPrivilegeEscalation;
        if (setting == false)
        {
            return;
        }

        var privileged = sc?.Privileged == true;
        var sysAdmin = AddsSysAdmin(sc?.Capabilities?.Add);
        var message = setting == true
            ? $"{container.Describe()} sets allowPrivilegeEscalation: true"
            : $"{container.Describe()} does not set allowPrivilegeEscalation: false";
        if (privileged)
        {
            message += ", and privileged: true makes escalation implicitly possible anyway";
        }
        else if (sysAdmin)
        {
            message += ", and its added CAP_SYS_ADMIN makes escalation implicitly possible anyway";
        }

        // The API server rejects allowPrivilegeEscalation: false next to privileged: true or an added "CAP_SYS_ADMIN"
        // (exact spelling), so no single-field fix exists for those.
        var fixable = !privileged && !(sc?.Capabilities?.Add?.Contains("CAP_SYS_ADMIN") ?? false);
        var fix = fixable
            ? new Fix("set allowPrivilegeEscalation to false", [SecurityContextPatch.SetOnContainer(container, "allowPrivilegeEscalation", false)])
            : null;
        context.Report(pod, container, container.SecurityContextPointer("allowPrivilegeEscalation"), message, fix);
    }

    /// <summary>Whether added capabilities grant CAP_SYS_ADMIN as the container runtime reads them (any case, CAP_ prefix optional, or ALL).</summary>
    private static bool AddsSysAdmin(IList<string>? add)
    {
        foreach (var raw in add ?? [])
        {
            var name = (raw ?? string.Empty).ToUpperInvariant();
            if (name.StartsWith("CAP_", StringComparison.Ordinal))
            {
                name = name[4..];
            }

            if (name is "SYS_ADMIN" or "ALL")
            {
                return true;
            }
        }

        return false;
    }
}
