using System.Runtime.InteropServices;
using System.Text.Json;
using Bulwark.Audit.Detection.Fields;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>
/// Turns the few values an audit log repeats endlessly (stages, verbs, resources) into strings without allocating
/// one per event: a small fixed table keyed by the value's raw UTF-8 bytes. Bounded: a colliding value replaces the
/// slot's entry.
/// </summary>
internal sealed class ValueInterner
{
    private const int Size = 512;
    private readonly byte[]?[] _raw = new byte[]?[Size];
    private readonly string?[] _values = new string?[Size];

    /// <summary>The value as <see cref="JsonValues.AsString"/> gives it (null when missing), shared across events.</summary>
    public string? Get(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return JsonValues.AsString(element);
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        var hash = new HashCode();
        hash.AddBytes(raw);
        var slot = (int)((uint)hash.ToHashCode() % Size);
        if (_raw[slot] is { } known && raw.SequenceEqual(known))
        {
            return _values[slot];
        }

        var value = element.GetString();
        _raw[slot] = raw.ToArray();
        _values[slot] = value;
        return value;
    }
}
