using System.Text.Json;
using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Conditions;

/// <summary>A field with its argument, as used by compiled conditions and outputs; each has a cache slot per event.</summary>
public sealed class FieldRef
{
    internal FieldRef(FieldSpec spec, string? argument, object? parsed, int slot)
    {
        Spec = spec;
        Argument = argument;
        Parsed = parsed;
        Slot = slot;
        Level = FieldRegistry.LevelOf(spec, argument);
    }

    public FieldSpec Spec { get; }

    public string? Argument { get; }

    /// <summary>The lowest audit level whose events carry this field.</summary>
    public AuditLevel Level { get; }

    public string Display => Argument is null ? Spec.Name : $"{Spec.Name}[{Argument}]";

    internal object? Parsed { get; }

    internal int Slot { get; }

    public override string ToString() => Display;
}

/// <summary>The fields a compiled pack uses, each with its cache slot.</summary>
public sealed class FieldTable
{
    private readonly Dictionary<string, FieldRef> _refs = new(StringComparer.Ordinal);

    public int Count => _refs.Count;

    public IEnumerable<FieldRef> All => _refs.Values;

    /// <summary>The reference to a field with an argument; null and an error when the argument is not valid.</summary>
    public FieldRef? Get(FieldSpec spec, string? argument, out string? error)
    {
        var key = argument is null ? spec.Name : spec.Name + "[" + argument + "]";
        if (_refs.TryGetValue(key, out var existing))
        {
            error = null;
            return existing;
        }

        var parsed = FieldRegistry.ParseArgument(spec, argument, out error);
        if (error is not null)
        {
            return null;
        }

        var r = new FieldRef(spec, argument, parsed, _refs.Count);
        _refs[key] = r;
        return r;
    }

    /// <summary>The reference to a field by name, for engine internals (no argument).</summary>
    internal FieldRef Get(string name) => Get(FieldRegistry.Find(name)!, null, out _)!;
}

/// <summary>
/// The event being evaluated, with a per-event cache of extracted field values: a field read by several rules is
/// extracted once. Reset is O(1) (a generation stamp), so the cache costs nothing for fields no rule reads.
/// </summary>
public sealed class EvalContext
{
    private readonly JsonElement[] _top = new JsonElement[EventKeys.Count];
    private object?[] _values;
    private uint[] _stamps;
    private uint _generation = 1;
    private bool _topFilled;

    public EvalContext(FieldTable fields)
    {
        _values = new object?[Math.Max(16, fields.Count)];
        _stamps = new uint[_values.Length];
    }

    public JsonElement Root { get; private set; }

    /// <summary>Starts a new event.</summary>
    public void Reset(JsonElement root)
    {
        Root = root;
        _topFilled = false;
        if (++_generation == 0)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    /// <summary>A top-level value of the current event (Undefined when absent); the event's keys are found in one pass.</summary>
    public JsonElement Top(EventKey key)
    {
        if (!_topFilled)
        {
            EventKeys.Fill(Root, _top);
            _topFilled = true;
        }

        return _top[(int)key];
    }

    /// <summary>The field's value for the current event: null (missing), a string, or a string[].</summary>
    public object? Get(FieldRef field)
    {
        var slot = field.Slot;
        if (slot >= _values.Length)
        {
            var size = Math.Max(slot + 1, _values.Length * 2);
            Array.Resize(ref _values, size);
            Array.Resize(ref _stamps, size);
        }

        if (_stamps[slot] == _generation)
        {
            return _values[slot];
        }

        var value = field.Spec.Extract(this, field.Parsed);
        _values[slot] = value;
        _stamps[slot] = _generation;
        return value;
    }

    /// <summary>Stores a value the caller extracted exactly as the field would (the engine's index keys); returns it.</summary>
    internal string? Set(FieldRef field, string? value)
    {
        var slot = field.Slot;
        if (slot >= _values.Length)
        {
            var size = Math.Max(slot + 1, _values.Length * 2);
            Array.Resize(ref _values, size);
            Array.Resize(ref _stamps, size);
        }

        _values[slot] = value;
        _stamps[slot] = _generation;
        return value;
    }

    /// <summary>A field's value as text: lists joined with ',', missing as &lt;NA&gt; (Falco's output convention).</summary>
    public string Text(FieldRef field) => Get(field) switch
    {
        null => "<NA>",
        string s => s,
        string[] list => string.Join(',', list),
        _ => "<NA>",
    };
}
