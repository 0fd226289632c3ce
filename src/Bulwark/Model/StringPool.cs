using System.Collections.Concurrent;

namespace Bulwark.Model;

/// <summary>
/// One shared instance per distinct short string across a whole scan. Manifests repeat the same keys and values
/// (apiVersion, name, image names, TCP, mount paths) across thousands of objects; the YAML reader and the typed
/// conversion both allocate a fresh copy each time. Bounded, so a long-running process cannot grow it forever.
/// </summary>
public static class StringPool
{
    public const int MaxLength = 128;
    private const int MaxEntries = 1_000_000;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Pool.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Share(string value)
    {
        if (value.Length > MaxLength)
        {
            return value;
        }

        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (Pool.Count < MaxEntries)
        {
            return Pool.GetOrAdd(value, value);
        }

        return value;
    }

    /// <summary>Shares without allocating when the string is already pooled.</summary>
    public static string Share(ReadOnlySpan<char> chars)
    {
        if (chars.Length <= MaxLength && ByChars.TryGetValue(chars, out var shared))
        {
            return shared;
        }

        return Share(new string(chars));
    }
}
