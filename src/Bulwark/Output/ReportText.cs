using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Findings;
using Bulwark.Rules;

namespace Bulwark.Output;

/// <summary>Small helpers the report formats share: rule lookup, names, fingerprints, file URIs.</summary>
internal static class ReportText
{
    /// <summary>"privileged-container" becomes "PrivilegedContainer".</summary>
    public static string PascalCase(string id)
    {
        var sb = new StringBuilder(id.Length);
        foreach (var part in id.Split('-', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        return sb.ToString();
    }

    /// <summary>A stable identity of a finding across runs: rule, object and field, not the line.</summary>
    public static string Fingerprint(Finding f)
    {
        var text = string.Join('\n', f.Rule, f.Object.ApiVersion, f.Object.Kind, f.Object.Namespace ?? string.Empty, f.Object.Name, f.Path);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Plural(int n, string one, string many) => $"{Count(n)} {(n == 1 ? one : many)}";

    public static Dictionary<string, Rule> RulesById(ReportContext context)
    {
        var map = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var rule in context.Rules)
        {
            map.TryAdd(rule.Id, rule);
        }

        return map;
    }

    /// <summary>
    /// A file path as a URI reference: relative (forward slashes, percent-encoded segments) when the file is under
    /// the working directory, else an absolute file:// URI. Null for stdin, which has no URI.
    /// </summary>
    public static (string Uri, bool Relative)? FileUri(string file, string workingDirectory)
    {
        if (file == Model.SourceFile.StdinName)
        {
            return null;
        }

        var full = Path.GetFullPath(file, workingDirectory);
        var relative = Path.GetRelativePath(workingDirectory, full);
        if (relative == "." || Path.IsPathRooted(relative) || relative == ".." ||
            relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return (new Uri(full).AbsoluteUri, false);
        }

        var segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return (string.Join('/', segments.Select(Uri.EscapeDataString)), true);
    }

    /// <summary>The working directory as an absolute file:// URI ending in a slash (SARIF originalUriBaseIds).</summary>
    public static string DirectoryUri(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!full.EndsWith(Path.DirectorySeparatorChar))
        {
            full += Path.DirectorySeparatorChar;
        }

        return new Uri(full).AbsoluteUri;
    }

    /// <summary>True for exceptions written in the manifest itself (annotations), false for .bulwark.yaml entries.</summary>
    public static bool IsInSource(Suppression s) => s.Source.StartsWith("annotation ", StringComparison.Ordinal);

    public static string LayerName(Layer layer) => layer.ToString().ToLowerInvariant();
}
