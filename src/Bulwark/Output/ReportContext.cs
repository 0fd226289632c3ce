using Bulwark.Findings;
using Bulwark.Rules;

namespace Bulwark.Output;

/// <summary>What renderers need besides the result: the rules that ran, the threshold, the tool version.</summary>
public sealed record ReportContext
{
    public required IReadOnlyList<Rule> Rules { get; init; }

    /// <summary>The --fail-on threshold; null for "none".</summary>
    public Severity? FailOn { get; init; } = Severity.High;

    public bool ShowSuppressed { get; init; }

    public string ToolVersion { get; init; } = ToolInfo.Version;

    /// <summary>The folder file paths are made relative to (SARIF URIs); the current directory by default.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;
}

public static class ToolInfo
{
    public const string Name = "bulwark";

    public static string Version =>
        typeof(ToolInfo).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public const string InformationUri = "https://github.com/bulwark-k8s/bulwark";
}

/// <summary>Turns a scan result into one output format.</summary>
public interface IReportRenderer
{
    string Format { get; }

    void Render(ScanResult result, ReportContext context, TextWriter output);
}
