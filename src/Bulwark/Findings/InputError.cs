namespace Bulwark.Findings;

public enum InputErrorLevel
{
    Warning,
    Error,
}

/// <summary>
/// A problem with an input rather than with the cluster it describes: a syntax error, a limit hit, a
/// duplicate key, a file without objects. Errors make the scan exit 2; warnings do not.
/// </summary>
public sealed record InputError(string File, int Line, int Column, string Kind, string Message, InputErrorLevel Level = InputErrorLevel.Error)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
