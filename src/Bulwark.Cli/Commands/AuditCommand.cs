using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark audit`: detection over Kubernetes audit logs, and the rules behind it.</summary>
public sealed class AuditCommand : Command
{
    public AuditCommand(CliIO io)
        : base("audit", "Kubernetes audit logs: detect attacks and risky changes with tunable rules (Falco's k8saudit rules and more).")
    {
        Subcommands.Add(new AuditDetectCommand(io));
        Subcommands.Add(new AuditRulesCommand(io));
    }
}

/// <summary>`bulwark audit rules`: list the detection rules, test rules against their fixtures.</summary>
public sealed class AuditRulesCommand : Command
{
    public AuditRulesCommand(CliIO io)
        : base("rules", "List the audit detection rules, or test rules against their fixtures.")
    {
        Subcommands.Add(new AuditRulesListCommand(io));
        Subcommands.Add(new AuditRulesTestCommand(io));
    }
}
