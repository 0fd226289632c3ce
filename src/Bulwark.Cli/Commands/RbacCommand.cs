using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark rbac`: RBAC analysis. This branch registers only `generate`; the other subcommands join it on merge.</summary>
public sealed class RbacCommand : Command
{
    public RbacCommand(CliIO io)
        : base("rbac", "RBAC analysis: least-privilege roles generated from audit logs.")
    {
        Subcommands.Add(RbacGenerateCommand.Create(io));
    }
}
