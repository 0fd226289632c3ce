using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark netpol`: NetworkPolicy analysis with Kubernetes' exact semantics.</summary>
public sealed class NetpolCommand : Command
{
    public NetpolCommand(CliIO io)
        : base("netpol", "NetworkPolicy analysis with Kubernetes' exact semantics: allowed connections, and why a connection is allowed or denied.")
    {
        Subcommands.Add(new NetpolConnectivityCommand(io));
        Subcommands.Add(new NetpolExplainCommand(io));
        Subcommands.Add(new NetpolDiffCommand(io));
        Subcommands.Add(new NetpolGenerateCommand(io));
        Subcommands.Add(new NetpolGapsCommand(io));
    }
}
