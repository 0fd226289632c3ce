using Bulwark.Model;

namespace Bulwark.Findings;

/// <summary>A place in a file.</summary>
public sealed record Location(string File, int Line, int Column);

/// <summary>One JSON Patch (RFC 6902) operation of a suggested fix, addressed relative to the object.</summary>
public sealed record PatchOperation(string Op, string Path, object? Value = null);

/// <summary>A fix a rule can compute: what it does, and the patch that does it.</summary>
public sealed record Fix(string Description, IReadOnlyList<PatchOperation> Operations);

/// <summary>Why a finding is hidden: the exception that matched it.</summary>
public sealed record Suppression(string Source, string Reason, string? Expires = null);

/// <summary>One problem found by one rule in one object, with everything needed to act on it.</summary>
public sealed record Finding
{
    public required string Rule { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public required IReadOnlyList<string> Controls { get; init; }

    public required string Message { get; init; }

    public required ObjectRef Object { get; init; }

    /// <summary>JSON pointer of the field, relative to the object (the nearest existing parent when the field is missing).</summary>
    public required string Path { get; init; }

    public Location? Location { get; init; }

    public required string Remediation { get; init; }

    /// <summary>The container the finding is about, if any.</summary>
    public string? Container { get; init; }

    public Fix? Fix { get; init; }

    public Suppression? Suppressed { get; init; }
}
