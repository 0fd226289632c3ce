using Bulwark.Findings;
using Spectre.Console;

namespace Bulwark.Cli.Rendering;

/// <summary>A Spectre console over a writer: colours only on a real terminal, wide enough when redirected.</summary>
public static class ConsoleFactory
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive && Environment.GetEnvironmentVariable("NO_COLOR") is null ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = 160;
        }

        return console;
    }
}

public static class Styles
{
    public static string Severity(Severity severity) => severity switch
    {
        Findings.Severity.Critical => "[bold white on red]critical[/]",
        Findings.Severity.High => "[red]high[/]",
        Findings.Severity.Medium => "[yellow]medium[/]",
        Findings.Severity.Low => "[blue]low[/]",
        _ => "[grey]info[/]",
    };
}
