using Bulwark.Audit.Detection.Conditions;

namespace Bulwark.Audit.Detection.Fields;

/// <summary>The audit levels, in order: what an event at each level carries (a higher level carries everything below).</summary>
public enum AuditLevel
{
    None = 0,
    Metadata = 1,
    Request = 2,
    RequestResponse = 3,
}

/// <summary>What goes between a field's brackets.</summary>
public enum FieldArgument
{
    None,

    /// <summary>A key, e.g. <c>ka.uri.param[command]</c>.</summary>
    Key,

    /// <summary>A JSON pointer, e.g. <c>jevt.value[/objectRef/resource]</c>.</summary>
    Pointer,
}

/// <summary>
/// A field a condition or an output can read. Values are strings (numbers and booleans as written in the JSON,
/// objects as compact JSON text, as Falco does); a list field yields several. Missing is null.
/// </summary>
public sealed class FieldSpec
{
    internal FieldSpec(string name, bool isList, AuditLevel level, FieldArgument argument, string description, Func<EvalContext, object?, object?> extract)
    {
        Name = name;
        IsList = isList;
        Level = level;
        Argument = argument;
        Description = description;
        Extract = extract;
    }

    public string Name { get; }

    /// <summary>Whether the field yields a list of values (only <c>in</c>, <c>intersects</c> and <c>exists</c> apply).</summary>
    public bool IsList { get; }

    /// <summary>The lowest audit level whose events carry the field.</summary>
    public AuditLevel Level { get; }

    public FieldArgument Argument { get; }

    public string Description { get; }

    /// <summary>Reads the value from an event: null (missing), a string, or a string[] for list fields.</summary>
    internal Func<EvalContext, object?, object?> Extract { get; }
}
