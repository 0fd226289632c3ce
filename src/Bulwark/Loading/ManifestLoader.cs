using System.Text;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Loading;

/// <summary>What a load produced: the objects in input order, and every problem met on the way.</summary>
public sealed class LoadResult
{
    public List<KubeObject> Objects { get; } = new();

    public List<InputError> Errors { get; } = new();

    public List<SourceFile> Files { get; } = new();
}

/// <summary>
/// Reads manifests from files, folders (recursively: *.yaml, *.yml, *.json) and stdin. Each file is read on its
/// own, so one bad file never hides the objects of the others; files are parsed in parallel and merged in order.
/// </summary>
public sealed class ManifestLoader
{
    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly LoadLimits _limits;

    public ManifestLoader(LoadLimits? limits = null) => _limits = limits ?? LoadLimits.Default;

    public Func<Stream> StdinProvider { get; init; } = Console.OpenStandardInput;

    public LoadResult Load(IEnumerable<string> paths)
    {
        var result = new LoadResult();
        var files = new List<SourceFile>();
        foreach (var path in paths)
        {
            ExpandPath(path, files, result.Errors);
        }

        var perFile = new FileLoad[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            perFile[i] = LoadFile(files[i]);
        });

        foreach (var load in perFile)
        {
            result.Files.Add(load.File);
            result.Objects.AddRange(load.Objects);
            result.Errors.AddRange(load.Errors);
        }

        return result;
    }

    /// <summary>Loads one text already in memory (tests, admission requests, stdin).</summary>
    public LoadResult LoadText(string text, string name)
    {
        var result = new LoadResult();
        var load = new FileLoad(new SourceFile(name));
        ParseText(text, load);
        result.Files.Add(load.File);
        result.Objects.AddRange(load.Objects);
        result.Errors.AddRange(load.Errors);
        return result;
    }

    private void ExpandPath(string path, List<SourceFile> files, List<InputError> errors)
    {
        if (path == "-")
        {
            files.Add(SourceFile.Stdin);
        }
        else if (Directory.Exists(path))
        {
            var before = files.Count;
            WalkDirectory(path, 0, files, errors, new HashSet<string>(StringComparer.Ordinal));
            if (files.Count == before)
            {
                errors.Add(new InputError(path, 0, 0, "no-objects", "folder holds no *.yaml, *.yml or *.json files", InputErrorLevel.Warning));
            }
        }
        else if (File.Exists(path))
        {
            files.Add(new SourceFile(path));
        }
        else
        {
            errors.Add(new InputError(path, 0, 0, "io", "no such file or folder"));
        }
    }

    private void WalkDirectory(string dir, int depth, List<SourceFile> files, List<InputError> errors, HashSet<string> visited)
    {
        if (depth > _limits.MaxDirectoryDepth)
        {
            errors.Add(new InputError(dir, 0, 0, "limit", $"folder nesting deeper than {_limits.MaxDirectoryDepth} levels; not descended"));
            return;
        }

        // Guard against symlink cycles.
        var real = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(dir);
        if (!visited.Add(real))
        {
            return;
        }

        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new InputError(dir, 0, 0, "io", ex.Message));
            return;
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.'))
            {
                continue; // .git, .github, editor folders
            }

            if (Directory.Exists(entry))
            {
                WalkDirectory(entry, depth + 1, files, errors, visited);
            }
            else if (ManifestExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                files.Add(new SourceFile(entry));
            }
        }
    }

    private FileLoad LoadFile(SourceFile file)
    {
        var load = new FileLoad(file);
        string text;
        try
        {
            text = ReadText(file, load.Errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            load.Errors.Add(new InputError(file.Path, 0, 0, "io", ex.Message));
            return load;
        }

        if (load.Errors.Count == 0)
        {
            ParseText(text, load);
        }

        return load;
    }

    private string ReadText(SourceFile file, List<InputError> errors)
    {
        byte[] bytes;
        if (ReferenceEquals(file, SourceFile.Stdin) || file.Path == SourceFile.StdinName)
        {
            using var stdin = StdinProvider();
            bytes = ReadBounded(stdin, file, errors);
        }
        else
        {
            var info = new FileInfo(file.Path);
            if (info.Length > _limits.MaxFileBytes)
            {
                errors.Add(new InputError(file.Path, 0, 0, "limit", $"file is {info.Length:N0} bytes, over the limit of {_limits.MaxFileBytes:N0}; not read"));
                return string.Empty;
            }

            bytes = File.ReadAllBytes(file.Path);
        }

        return errors.Count > 0 ? string.Empty : Decode(bytes, file, errors);
    }

    private byte[] ReadBounded(Stream stream, SourceFile file, List<InputError> errors)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > _limits.MaxFileBytes)
            {
                errors.Add(new InputError(file.Path, 0, 0, "limit", $"input is over the limit of {_limits.MaxFileBytes:N0} bytes; not read"));
                return [];
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Decodes UTF-8 strictly (UTF-16 with a byte-order mark is accepted too), reporting the line of a bad byte.</summary>
    internal static string Decode(byte[] bytes, SourceFile file, List<InputError> errors)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return Encoding.Unicode.GetString(bytes).TrimStart('\uFEFF');
        }

        var offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException ex)
        {
            var bad = offset + Math.Max(0, ex.Index);
            if (ex.Index < 0)
            {
                bad = FindInvalidUtf8(bytes, offset);
            }

            var (line, column) = LineOf(bytes, bad);
            errors.Add(new InputError(file.Path, line, column, "encoding", $"invalid UTF-8 (byte 0x{bytes[Math.Min(bad, bytes.Length - 1)]:X2} at offset {bad}); manifests must be UTF-8"));
            return string.Empty;
        }
    }

    private static int FindInvalidUtf8(byte[] bytes, int from)
    {
        var decoder = StrictUtf8.GetDecoder();
        var chars = new char[4];
        for (var i = from; i < bytes.Length; i++)
        {
            try
            {
                decoder.GetChars(bytes, i, 1, chars, 0, flush: false);
            }
            catch (DecoderFallbackException)
            {
                return i;
            }
        }

        return bytes.Length - 1;
    }

    private static (int Line, int Column) LineOf(byte[] bytes, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    private void ParseText(string text, FileLoad load)
    {
        var reader = new YamlDocumentReader(load.File.Path, _limits, load.Errors);
        var sawDocumentWithContent = false;
        foreach (var (index, root, start) in reader.ReadDocuments(text))
        {
            if (root is null || root is ScalarNode { IsNull: true })
            {
                continue; // empty documents are skipped, as kubectl does
            }

            sawDocumentWithContent = true;
            if (root is not MappingNode map)
            {
                load.Errors.Add(new InputError(load.File.Path, root.Start.Line, root.Start.Column, "not-an-object",
                    $"document {index + 1} is a {(root is SequenceNode ? "sequence" : "scalar")}, not a Kubernetes object", InputErrorLevel.Warning));
                continue;
            }

            AddObjects(map, new Origin(load.File, index), load, string.Empty, 0);
        }

        if (load.Objects.Count == 0 && !load.Errors.Any(e => e.Level == InputErrorLevel.Error))
        {
            var message = sawDocumentWithContent
                ? "file holds no Kubernetes objects (no document has apiVersion and kind)"
                : "file is empty: it holds no Kubernetes objects";
            load.Errors.Add(new InputError(load.File.Path, 0, 0, "no-objects", message, InputErrorLevel.Warning));
        }
    }

    private static void AddObjects(MappingNode map, Origin origin, FileLoad load, string pointer, int depth)
    {
        var kind = map.GetString("kind");
        var apiVersion = map.GetString("apiVersion");
        if (kind is not null && kind.EndsWith("List", StringComparison.Ordinal) && map.Get("items") is { } items && depth < 4)
        {
            // kind: List and every typed list (PodList, DeploymentList, ...): the items are the objects.
            if (items is SequenceNode seq)
            {
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    var itemPointer = JsonPointer.Append(JsonPointer.Append(pointer, "items"), i);
                    if (seq.Items[i] is MappingNode item)
                    {
                        AddObjects(item, origin with { ListPointer = itemPointer }, load, itemPointer, depth + 1);
                    }
                    else
                    {
                        load.Errors.Add(new InputError(load.File.Path, seq.Items[i].Start.Line, seq.Items[i].Start.Column, "not-an-object",
                            $"{kind} item {i} is not an object", InputErrorLevel.Warning));
                    }
                }
            }
            else if (items is not ScalarNode { IsNull: true })
            {
                load.Errors.Add(new InputError(load.File.Path, items.Start.Line, items.Start.Column, "not-an-object", $"{kind}.items is not a sequence"));
            }

            return;
        }

        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion))
        {
            var missing = string.IsNullOrEmpty(kind) ? "kind" : "apiVersion";
            load.Errors.Add(new InputError(load.File.Path, map.Start.Line, map.Start.Column, "not-an-object",
                $"document {origin.DocumentIndex + 1}{(origin.ListPointer is null ? string.Empty : " item " + origin.ListPointer)} has no {missing}: not a Kubernetes object; skipped",
                InputErrorLevel.Warning));
            return;
        }

        load.Objects.Add(new KubeObject(map, origin));
    }

    private sealed class FileLoad
    {
        public FileLoad(SourceFile file) => File = file;

        public SourceFile File { get; }

        public List<KubeObject> Objects { get; } = new();

        public List<InputError> Errors { get; } = new();
    }
}
