using System.Text.RegularExpressions;
using Bulwark.Config;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Engine;

/// <summary>
/// Decides whether a finding is covered by an exception: an annotation
/// <c>ignore.bulwark.dev/&lt;rule&gt;: "&lt;reason&gt;"</c> on the object or on the pod template the finding is in,
/// or an entry of .bulwark.yaml. Exceptions without a reason, or past their expiry, never apply (the
/// invalid-exception rule reports them).
/// </summary>
public sealed class Exceptions
{
    public const string AnnotationPrefix = "ignore.bulwark.dev/";
    private readonly BulwarkConfig _config;
    private readonly DateOnly _today;
    private readonly List<(ExceptionEntry Entry, Regex Pattern)> _entries;

    public Exceptions(BulwarkConfig config, DateOnly today)
    {
        _config = config;
        _today = today;
        _entries = config.Exceptions.Select(e => (e, Glob(e.Object))).ToList();
    }

    public Suppression? Match(string rule, KubeObject? obj, ObjectRef target, string pointer, string? container)
    {
        if (obj is not null && _config.AllowAnnotationExceptions && AnnotationMaps.AnyKeyStartsWith(obj, AnnotationPrefix) &&
            FromAnnotations(rule, obj, pointer) is { } annotation)
        {
            return annotation;
        }

        if (_entries.Count == 0)
        {
            return null;
        }

        foreach (var (entry, pattern) in _entries)
        {
            if (!IsValid(entry, _today) || (entry.Rule != "*" && entry.Rule != rule))
            {
                continue;
            }

            if (entry.Container is not null && entry.Container != container)
            {
                continue;
            }

            if (pattern.IsMatch(target.ToString()))
            {
                var where = entry.Location is { } l ? $"{l.File}:{l.Line}" : ".bulwark.yaml";
                return new Suppression(where, entry.Reason, entry.Expires?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    public static bool IsValid(ExceptionEntry entry, DateOnly today) =>
        !string.IsNullOrWhiteSpace(entry.Reason) && (entry.Expires is null || entry.Expires.Value >= today);

    /// <summary>Every metadata/annotations mapping that governs a field: the object's, and each pod template's on the way down.</summary>
    public static IEnumerable<(string Pointer, MappingNode Annotations)> GoverningAnnotations(KubeObject obj, string pointer)
    {
        if (obj.Annotations is { } own)
        {
            yield return ("/metadata/annotations", own);
        }

        var prefix = string.Empty;
        foreach (var token in JsonPointer.Split(pointer))
        {
            prefix = JsonPointer.Append(prefix, token);
            var candidate = prefix + "/metadata/annotations";
            if (prefix != string.Empty && obj.Root.At(candidate) is MappingNode nested)
            {
                yield return (candidate, nested);
            }
        }
    }

    private static Suppression? FromAnnotations(string rule, KubeObject obj, string pointer)
    {
        var key = AnnotationPrefix + rule;
        foreach (var (where, annotations) in GoverningAnnotations(obj, pointer))
        {
            if (annotations.GetString(key) is { } reason && !string.IsNullOrWhiteSpace(reason))
            {
                return new Suppression($"annotation {key} at {where}", reason);
            }
        }

        return null;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant);
}
