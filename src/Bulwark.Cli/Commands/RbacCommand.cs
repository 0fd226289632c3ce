using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark rbac`: RBAC questions answered offline exactly as the API server's authorizer would.</summary>
public sealed class RbacCommand : Command
{
    public RbacCommand(CliIO io)
        : base("rbac", "RBAC analysis with the API server's authorizer semantics: can-i, who-can and access matrices from manifests.")
    {
        Subcommands.Add(new RbacCanICommand(io));
        Subcommands.Add(new RbacWhoCanCommand(io));
        Subcommands.Add(new RbacAccessCommand(io));
    }
}
