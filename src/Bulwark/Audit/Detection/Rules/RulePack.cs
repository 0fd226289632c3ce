namespace Bulwark.Audit.Detection.Rules;

/// <summary>
/// Lists, macros and rules read from rule files (the built-in pack, folders given with --rules), not yet compiled.
/// A name defined twice is an error; a file with an error loses its rules (the other files keep theirs).
/// </summary>
public sealed class RulePack
{
    private const string ResourcePrefix = "Bulwark.Audit.DetectionRules/";
    private static readonly Lazy<RulePack> BuiltInPack = new(LoadBuiltIn);

    internal RulePack(IReadOnlyList<ListDefinition> lists, IReadOnlyList<MacroDefinition> macros, IReadOnlyList<RuleDefinition> rules, IReadOnlyList<RuleLoadError> errors, IReadOnlySet<string> failedFiles, IReadOnlyList<string> files)
    {
        Lists = lists;
        Macros = macros;
        Rules = rules;
        Errors = errors;
        FailedFiles = failedFiles;
        Files = files;
    }

    public static RulePack Empty { get; } = new([], [], [], [], new HashSet<string>(), []);

    /// <summary>The built-in pack, embedded in the assembly (src/Bulwark/Audit/DetectionRules).</summary>
    public static RulePack BuiltIn => BuiltInPack.Value;

    public IReadOnlyList<ListDefinition> Lists { get; }

    public IReadOnlyList<MacroDefinition> Macros { get; }

    public IReadOnlyList<RuleDefinition> Rules { get; }

    /// <summary>Errors found while reading (schema errors, duplicates); conditions are checked when the pack is compiled.</summary>
    public IReadOnlyList<RuleLoadError> Errors { get; }

    /// <summary>Files with errors: their rules are not used.</summary>
    public IReadOnlySet<string> FailedFiles { get; }

    /// <summary>The rule files read, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Reads every *.yaml / *.yml file under a folder (recursively, in path order).</summary>
    public static RulePack LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return new RulePack([], [], [], [new RuleLoadError(folder, 0, 0, "no such rules folder")], new HashSet<string>(), []);
        }

        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var sources = new List<(string, string)>();
        var errors = new List<RuleLoadError>();
        foreach (var file in files)
        {
            try
            {
                sources.Add((file, File.ReadAllText(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new RuleLoadError(file, 0, 0, $"cannot read: {e.Message}"));
            }
        }

        var pack = Load(sources);
        return errors.Count == 0 ? pack : new RulePack(pack.Lists, pack.Macros, pack.Rules, [.. errors, .. pack.Errors], pack.FailedFiles, pack.Files);
    }

    /// <summary>Reads rule files given as (path, text).</summary>
    public static RulePack Load(IEnumerable<(string Path, string Text)> files)
    {
        var lists = new List<ListDefinition>();
        var macros = new List<MacroDefinition>();
        var rules = new List<RuleDefinition>();
        var errors = new List<RuleLoadError>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<string>();
        foreach (var (path, text) in files)
        {
            paths.Add(path);
            var file = RuleFileReader.Read(path, text);
            if (file.Errors.Count > 0)
            {
                errors.AddRange(file.Errors);
                failed.Add(path);
                continue;
            }

            lists.AddRange(file.Lists);
            macros.AddRange(file.Macros);
            rules.AddRange(file.Rules);
        }

        var pack = new RulePack([], [], [], errors, failed, paths);
        return pack.Merge(lists, macros, rules, [], new HashSet<string>(), []);
    }

    /// <summary>This pack plus another (a user folder on top of the built-in pack); names defined twice are errors.</summary>
    public RulePack With(RulePack other) =>
        Merge(other.Lists, other.Macros, other.Rules, other.Errors, other.FailedFiles, other.Files);

    private RulePack Merge(IEnumerable<ListDefinition> lists, IEnumerable<MacroDefinition> macros, IEnumerable<RuleDefinition> rules, IEnumerable<RuleLoadError> moreErrors, IEnumerable<string> moreFailed, IEnumerable<string> moreFiles)
    {
        var errors = new List<RuleLoadError>(Errors);
        errors.AddRange(moreErrors);
        var failed = new HashSet<string>(FailedFiles, StringComparer.Ordinal);
        failed.UnionWith(moreFailed);

        var allLists = Unique(Lists, lists, l => l.Name, l => (l.File, l.Line), "list", " (tune lists in .bulwark.yaml under audit.lists)");
        var allMacros = Unique(Macros, macros, m => m.Name, m => (m.File, m.Line), "macro", " (tune macros in .bulwark.yaml under audit.macros)");
        var allRules = Unique(Rules, rules, r => r.Id, r => (r.File, r.Line), "rule", string.Empty);

        // Definitions already known keep their place; a later one with the same name is an error in its own file.
        List<T> Unique<T>(IEnumerable<T> known, IEnumerable<T> added, Func<T, string> name, Func<T, (string File, int Line)> at, string what, string hint)
        {
            var byName = known.ToDictionary(name, StringComparer.Ordinal);
            var all = new List<T>(known);
            foreach (var item in added)
            {
                var (file, line) = at(item);
                if (byName.TryGetValue(name(item), out var first))
                {
                    var (firstFile, firstLine) = at(first);
                    errors.Add(new RuleLoadError(file, line, 1, $"{what} '{name(item)}' is already defined at {firstFile}:{firstLine}{hint}"));
                    failed.Add(file);
                    continue;
                }

                byName[name(item)] = item;
                all.Add(item);
            }

            return all;
        }

        return new RulePack(allLists, allMacros, allRules, errors, failed, [.. Files, .. moreFiles]);
    }

    private static RulePack LoadBuiltIn()
    {
        var assembly = typeof(RulePack).Assembly;
        var sources = new List<(string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            sources.Add(("builtin:" + name[ResourcePrefix.Length..].Replace('\\', '/'), reader.ReadToEnd()));
        }

        return Load(sources);
    }

    /// <summary>Whether a rule file path is a built-in resource (it has no fixtures on disk).</summary>
    public static bool IsBuiltIn(string file) => file.StartsWith("builtin:", StringComparison.Ordinal);
}
