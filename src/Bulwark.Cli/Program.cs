using System.CommandLine;
using Bulwark.Cli.Commands;

namespace Bulwark.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs a command line; tests call this in-process.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<Stream>? stdin = null)
    {
        var io = new CliIO(stdout, stderr, stdin ?? Console.OpenStandardInput);
        var root = new RootCommand("Bulwark: Kubernetes hardening checks for manifests, with exact Kubernetes semantics.");
        root.Subcommands.Add(new ScanCommand(io));
        root.Subcommands.Add(new RulesCommand(io));
        root.Subcommands.Add(new PssCommand(io));
        root.Subcommands.Add(new RbacCommand(io));
        root.Subcommands.Add(new NetpolCommand(io));
        root.Subcommands.Add(new AuditCommand(io));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"bulwark: {error.Message}");
            }

            stderr.WriteLine("Run 'bulwark --help' for usage.");
            return ExitCodes.UsageOrInputError;
        }

        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}

/// <summary>The streams a command writes to and reads from.</summary>
public sealed record CliIO(TextWriter Out, TextWriter Error, Func<Stream> Stdin);
