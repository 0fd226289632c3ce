using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Secrets;

namespace Bulwark.Rules.Secrets;

public sealed class SecretInAnnotation : Rule
{
    /// <summary>kubectl's copy of the whole object: a secret in it is already reported where the object holds it.</summary>
    public const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    public override RuleInfo Info { get; } = new()
    {
        Id = "secret-in-annotation",
        Title = "Annotation holds a credential",
        Severity = Severity.Medium,
        Layer = Layer.Secrets,
        Controls = ["SEC-1"],
        Rationale = "Annotations are plain metadata, readable by anyone who can list the object and copied into events, logs and tooling. " +
            "Bulwark flags annotations (on the object and on every pod template in it) whose value has a well-known credential shape, or whose name ends with a secret word (for example example.com/db-password) and holds a literal value. " +
            $"The {LastApplied} annotation is skipped: it is kubectl's copy of the object, so a secret in it is already reported at the field the object holds it in.",
        Remediation = "Remove the credential from the annotation, keep it in a Secret, and rotate it.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var obj in context.Inventory.Objects)
        {
            foreach (var (pointer, annotations) in AnnotationMaps.All(obj))
            {
                foreach (var (key, node) in annotations.Entries)
                {
                    if (node is not ScalarNode { IsNull: false } value || key.Value == LastApplied ||
                        key.Value.StartsWith(Exceptions.AnnotationPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (SecretDetector.Inspect(key.Value, value.Value, KeyNameMode.Suffix) is { } match)
                    {
                        context.Report(obj, JsonPointer.Append(pointer, key.Value), $"annotation \"{key.Value}\" holds {match.Describe()}");
                    }
                }
            }
        }
    }
}
