using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Bulwark.Images;

/// <summary>
/// A container image reference, parsed and normalised as the kubelet and the container runtimes do (the
/// distribution reference grammar, "ParseNormalizedNamed"): <c>[host[:port]/]path[:tag][@algorithm:hex]</c>.
/// <list type="bullet">
/// <item>The first path component is a registry host only if it contains "." or ":", is exactly "localhost", or
/// has an uppercase letter; otherwise the image is on Docker Hub (<c>docker.io</c>). <c>index.docker.io</c> is
/// an alias of <c>docker.io</c>; a one-component Docker Hub path gets the prefix <c>library/</c>.</item>
/// <item>The repository path is lowercase letters and digits separated by ".", "_", "__" or runs of "-",
/// in "/"-separated components, at most 255 characters.</item>
/// <item>A tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-".</item>
/// <item>A digest is <c>algorithm:hex</c>; the runtime supports sha256 (64), sha384 (96) and sha512 (128)
/// lowercase hexadecimal characters. A tag and a digest may be given together: the digest is what is pulled.</item>
/// <item>A bare 64-character hexadecimal string is an image ID, not a name, and is rejected.</item>
/// </list>
/// One deliberate strictness: when the first component is taken as a registry host but is not a valid host
/// (<c>my_registry.local/app</c>), the upstream parser silently reads the whole string as a path with no
/// registry at all, which no runtime can pull; Bulwark rejects it as an invalid registry host.
/// </summary>
public sealed partial record ImageReference
{
    public const string DockerHub = "docker.io";
    public const string LegacyDockerHub = "index.docker.io";
    public const string OfficialPrefix = "library/";
    public const string DefaultTag = "latest";
    public const int MaxPathLength = 255;

    private static readonly Dictionary<string, int> DigestLengths = new(StringComparer.Ordinal)
    {
        ["sha256"] = 64,
        ["sha384"] = 96,
        ["sha512"] = 128,
    };

    /// <summary>The text as written in the manifest.</summary>
    public required string Original { get; init; }

    /// <summary>Registry host, with the port if one was given: "docker.io", "ghcr.io", "localhost:5000".</summary>
    public required string Registry { get; init; }

    /// <summary>Repository path within the registry, normalised: "library/nginx", "org/app".</summary>
    public required string Repository { get; init; }

    /// <summary>The tag as written, or null when none was given (no implicit "latest" here).</summary>
    public string? Tag { get; init; }

    /// <summary>The digest ("sha256:...") or null.</summary>
    public string? Digest { get; init; }

    public bool IsDockerHub => Registry == DockerHub;

    /// <summary>Neither tag nor digest: the runtime pulls the tag "latest".</summary>
    public bool IsImplicitLatest => Tag is null && Digest is null;

    /// <summary>The tag the runtime resolves: the written tag, or "latest" when there is neither tag nor digest.</summary>
    public string? EffectiveTag => Tag ?? (Digest is null ? DefaultTag : null);

    /// <summary>Fully qualified repository name: "docker.io/library/nginx".</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>The short form Docker shows: "nginx", "org/app", "ghcr.io/org/app".</summary>
    public string FamiliarName => IsDockerHub ? FamiliarPath : Name;

    /// <summary>The repository path without Docker Hub's "library/" for official images.</summary>
    public string FamiliarPath =>
        IsDockerHub && Repository.StartsWith(OfficialPrefix, StringComparison.Ordinal) && !Repository[OfficialPrefix.Length..].Contains('/')
            ? Repository[OfficialPrefix.Length..]
            : Repository;

    /// <summary>The normalised reference: "docker.io/library/nginx:1.27", tag and digest kept as written (no implicit tag).</summary>
    public string Normalized => Name + Suffix;

    /// <summary>The familiar reference: "nginx:1.27", "ghcr.io/org/app@sha256:...".</summary>
    public string Familiar => FamiliarName + Suffix;

    /// <summary>The normalised reference with the implicit "latest" added, as the kubelet hands it to the runtime.</summary>
    public string NormalizedWithDefaultTag => IsImplicitLatest ? Name + ":" + DefaultTag : Normalized;

    private string Suffix => (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    public override string ToString() => Normalized;

    /// <summary>Parses a reference; throws <see cref="FormatException"/> with the reason when the runtime would reject it.</summary>
    public static ImageReference Parse(string? text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>Parses a reference; on failure returns false and a one-phrase, lower-case reason.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        error = Validate(text, out var registry, out var repository, out var tag, out var digest);
        if (error is not null)
        {
            return false;
        }

        reference = new ImageReference { Original = text!, Registry = registry!, Repository = repository!, Tag = tag, Digest = digest };
        return true;
    }

    private static string? Validate(string? text, out string? registry, out string? repository, out string? tag, out string? digest)
    {
        registry = repository = tag = digest = null;
        if (string.IsNullOrEmpty(text))
        {
            return "the image reference is empty";
        }

        if (text.Trim().Length != text.Length)
        {
            return "the image reference has leading or trailing whitespace";
        }

        if (IdentifierPattern().IsMatch(text))
        {
            return "a 64-character hexadecimal string is an image ID, not a repository name";
        }

        // Digest after the '@', tag after a ':' that follows the last '/': neither may contain '/', ':' (tag) or '@'.
        var name = text;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = name[(at + 1)..];
            name = name[..at];
            if (ValidateDigest(digest) is { } digestError)
            {
                return digestError;
            }
        }

        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                return $"the tag \"{tag}\" is invalid (1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-')";
            }
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : name[..slash];
        if (first is not null && (first == "localhost" || first.Contains('.') || first.Contains(':') || first.ToLowerInvariant() != first))
        {
            registry = first == LegacyDockerHub ? DockerHub : first;
            repository = name[(slash + 1)..];
            if (!DomainPattern().IsMatch(first))
            {
                return $"\"{first}\" is not a valid registry host (host name or [IPv6] address, optional :port)";
            }
        }
        else
        {
            registry = DockerHub;
            repository = name;
        }

        var writtenPath = repository;
        if (registry == DockerHub && !repository.Contains('/'))
        {
            repository = OfficialPrefix + repository;
        }

        if (repository.Length == 0 || repository == OfficialPrefix)
        {
            return "the repository name is missing";
        }

        if (!PathPattern().IsMatch(repository))
        {
            return PathPattern().IsMatch(repository.ToLowerInvariant())
                ? $"the repository name \"{writtenPath}\" must be lowercase"
                : $"the repository name \"{writtenPath}\" is invalid (lowercase letters and digits separated by '.', '_', '__' or '-', in '/'-separated components)";
        }

        if (repository.Length > MaxPathLength)
        {
            return $"the repository name is longer than {MaxPathLength} characters";
        }

        return null;
    }

    private static string? ValidateDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !DigestPattern().IsMatch(digest))
        {
            return $"the digest \"{digest}\" is invalid (expected algorithm:hex, such as sha256 and 64 lowercase hexadecimal characters)";
        }

        var algorithm = digest[..colon];
        var hex = digest[(colon + 1)..];
        if (!DigestLengths.TryGetValue(algorithm, out var length))
        {
            return $"the digest algorithm \"{algorithm}\" is not supported (sha256, sha384 or sha512)";
        }

        if (hex.Length != length || !LowerHexPattern().IsMatch(hex))
        {
            return $"the digest \"{digest}\" is invalid ({algorithm} digests are {length} lowercase hexadecimal characters)";
        }

        return null;
    }

    // The patterns are the grammar's productions, ASCII only (Go's \w), anchored with \z (Go's $ without multiline).
    [GeneratedRegex(@"^[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^[a-f0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex LowerHexPattern();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
