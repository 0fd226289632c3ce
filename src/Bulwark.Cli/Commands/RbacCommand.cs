using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark rbac`: RBAC questions answered offline exactly as the API server's authorizer would, and least-privilege roles from audit logs.</summary>
public sealed class RbacCommand : Command
{
    public RbacCommand(CliIO io)
        : base("rbac", "RBAC analysis with the API server's authorizer semantics: can-i, who-can, access matrices, and roles generated from audit logs.")
    {
        Subcommands.Add(new RbacCanICommand(io));
        Subcommands.Add(new RbacWhoCanCommand(io));
        Subcommands.Add(new RbacAccessCommand(io));
        Subcommands.Add(new RbacPathsCommand(io));
        Subcommands.Add(RbacGenerateCommand.Create(io));
        Subcommands.Add(new RbacRisksCommand(io));
    }
}
