namespace Bulwark.Cli;

/// <summary>The command's exit codes (never negative: they would become 255 on Linux).</summary>
public static class ExitCodes
{
    /// <summary>Nothing at or above the --fail-on severity.</summary>
    public const int Success = 0;

    /// <summary>Findings at or above the --fail-on severity.</summary>
    public const int Findings = 1;

    /// <summary>Usage error, invalid configuration or unreadable input.</summary>
    public const int UsageOrInputError = 2;
}
