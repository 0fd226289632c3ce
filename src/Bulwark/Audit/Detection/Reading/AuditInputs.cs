namespace Bulwark.Audit.Detection.Reading;

/// <summary>One input of a run: a file, standard input, or a path that cannot be read.</summary>
public readonly record struct AuditInput(string Path, string? Error);

/// <summary>Expands the paths of a command line into files.</summary>
public static class AuditInputs
{
    public const string Stdin = "-";

    /// <summary>
    /// Files as given, folders recursively (every file that is not hidden, in ordinal path order, so a run is
    /// repeatable), "-" as standard input; a path that does not exist is an error entry.
    /// </summary>
    public static IEnumerable<AuditInput> Expand(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (path == Stdin)
            {
                yield return new AuditInput(Stdin, null);
            }
            else if (Directory.Exists(path))
            {
                List<string> files;
                string? error = null;
                try
                {
                    files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden })
                        .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.'))
                        .Order(StringComparer.Ordinal)
                        .ToList();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    files = [];
                    error = $"cannot read the folder: {e.Message}";
                }

                if (error is not null)
                {
                    yield return new AuditInput(path, error);
                }

                foreach (var file in files)
                {
                    yield return new AuditInput(file, null);
                }
            }
            else if (File.Exists(path))
            {
                yield return new AuditInput(path, null);
            }
            else
            {
                yield return new AuditInput(path, "no such file or folder");
            }
        }
    }
}
