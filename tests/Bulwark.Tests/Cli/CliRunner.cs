using Bulwark.Cli;

namespace Bulwark.Tests.Cli;

/// <summary>Runs the real command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int ExitCode, string Out, string Err) RunWithStdin(string? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdin ?? string.Empty)));
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (int ExitCode, string Out, string Err) Run(params string[] args) => RunWithStdin(null, args);
}
