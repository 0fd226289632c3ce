using System.Text;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Secrets;

namespace Bulwark.Rules.Secrets;

public sealed class SecretInConfigMap : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "secret-in-configmap",
        Title = "ConfigMap holds a secret",
        Severity = Severity.High,
        Layer = Layer.Secrets,
        Controls = ["SEC-1"],
        Rationale = "ConfigMaps are not treated as confidential: they are readable by far more roles than Secrets, are never encrypted at rest by the Secret encryption provider, and end up in logs, dumps and Git. " +
            "Bulwark flags an entry whose key names a secret (password, token, api key, ...) with a literal value, and any entry whose value contains a well-known credential shape; config files held in a value are read line by line. " +
            "binaryData entries are decoded and read the same way when they hold text.",
        Remediation = "Move the value into a Secret (or a secret manager) and mount or reference it from there; keep only non-sensitive settings in the ConfigMap.",
    };

    public override void Check(RuleContext context)
    {
        foreach (var cm in context.Inventory.OfKind(string.Empty, "ConfigMap"))
        {
            CheckEntries(context, cm, "data", decode: false);
            CheckEntries(context, cm, "binaryData", decode: true);
        }
    }

    private static void CheckEntries(RuleContext context, KubeObject cm, string field, bool decode)
    {
        if (cm.Root.GetMapping(field) is not { } data)
        {
            return;
        }

        foreach (var (key, node) in data.Entries)
        {
            if (node is not ScalarNode { IsNull: false } scalar)
            {
                continue;
            }

            var value = decode ? Decode(scalar.Value) : scalar.Value;
            if (value is null)
            {
                continue;
            }

            var match = value.Contains('\n')
                ? SecretDetector.FindShape(value) ?? SecretDetector.InspectText(value) ??
                  (SecretDetector.IsSensitiveName(key.Value) ? new SecretMatch("a literal value under a secret-like name") : null)
                : SecretDetector.Inspect(key.Value, value);
            if (match is not null)
            {
                context.Report(cm, JsonPointer.Join(field, key.Value),
                    $"ConfigMap {field} entry \"{key.Value}\" holds {match.Describe()}");
            }
        }
    }

    private static string? Decode(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            var text = new UTF8Encoding(false, true).GetString(bytes);
            return text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') ? null : text;
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException or ArgumentException)
        {
            return null;
        }
    }
}
