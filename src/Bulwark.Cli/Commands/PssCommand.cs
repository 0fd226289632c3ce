using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary>`bulwark pss`: Pod Security Standards, evaluated offline exactly as Pod Security Admission does.</summary>
public sealed class PssCommand : Command
{
    public PssCommand(CliIO io)
        : base("pss", "Pod Security Standards: check workloads against a level, review namespaces, and generate the labels to enforce.")
    {
        Subcommands.Add(new PssCheckCommand(io));
        Subcommands.Add(new PssNamespacesCommand(io));
        Subcommands.Add(new PssLabelsCommand(io));
    }
}
