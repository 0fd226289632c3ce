using System.Globalization;
using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Meta;

public sealed class InvalidException : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "invalid-exception",
        Title = "Exception is invalid and does not apply",
        Severity = Severity.Medium,
        Layer = Layer.Meta,
        Controls = [],
        Rationale = "An exception hides findings, so it must say why and must not outlive its purpose. " +
            $"Bulwark ignores an {Exceptions.AnnotationPrefix}<rule> annotation with an empty reason or an unknown rule id, and a .bulwark.yaml exception without a reason or past its expiry date; this rule reports each of them, so a silently ignored exception does not look like an accepted risk. " +
            "Annotations are read on the object and on every template embedded in it.",
        Remediation = $"Give every exception a reason (the annotation value, or reason: in .bulwark.yaml), name an existing rule id (see `bulwark rules`), and renew or remove expired exceptions.",
    };

    public override void Check(RuleContext context)
    {
        CheckAnnotations(context);
        CheckConfig(context);
    }

    private static void CheckAnnotations(RuleContext context)
    {
        foreach (var obj in context.Inventory.Objects)
        {
            foreach (var (pointer, annotations) in AnnotationMaps.All(obj))
            {
                foreach (var (key, node) in annotations.Entries)
                {
                    if (!key.Value.StartsWith(Exceptions.AnnotationPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var rule = key.Value[Exceptions.AnnotationPrefix.Length..];
                    var reason = node is ScalarNode { IsNull: false } s ? s.Value : string.Empty;
                    var at = JsonPointer.Append(pointer, key.Value);
                    if (RuleCatalog.BuiltIn.Find(rule) is null)
                    {
                        context.Report(obj, at, $"exception annotation {key.Value} names no known rule \"{rule}\" and suppresses nothing");
                    }
                    else if (string.IsNullOrWhiteSpace(reason))
                    {
                        context.Report(obj, at, $"exception annotation {key.Value} gives no reason and is ignored");
                    }
                }
            }
        }
    }

    private static void CheckConfig(RuleContext context)
    {
        var file = Path.GetFileName(context.Config.Path ?? Config.ConfigLoader.FileName);
        var target = new ObjectRef("bulwark.dev/v1", "BulwarkConfig", null, file);
        var entries = context.Config.Exceptions;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var location = entry.Location ?? new Location(context.Config.Path ?? file, 0, 0);
            var what = entry.Container is null
                ? $"exception for rule {entry.Rule} on {entry.Object}"
                : $"exception for rule {entry.Rule} on {entry.Object} container {entry.Container}";
            if (string.IsNullOrWhiteSpace(entry.Reason))
            {
                context.ReportAt(target, $"/exceptions/{i}/reason", location, $"{what} gives no reason and is ignored");
            }

            if (entry.Expires is { } expires && expires < context.Today)
            {
                context.ReportAt(target, $"/exceptions/{i}/expires", location,
                    $"{what} expired on {expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} and is ignored");
            }
        }
    }
}
