namespace Bulwark.Loading;

/// <summary>Bounds that keep hostile input (alias bombs, deep nesting, huge files) from exhausting the machine.</summary>
public sealed record LoadLimits
{
    public static readonly LoadLimits Default = new();

    /// <summary>Largest file read, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest single YAML document, in characters (the API server refuses objects over ~1.5 MiB).</summary>
    public int MaxDocumentChars { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most nodes a document may expand to once aliases are resolved.</summary>
    public long MaxExpandedNodes { get; init; } = 1_000_000;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Most files a directory walk descends through.</summary>
    public int MaxDirectoryDepth { get; init; } = 64;
}
