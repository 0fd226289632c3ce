using Bulwark.Model;

namespace Bulwark.Network.Policies;

/// <summary>
/// Reads and validates a metav1.LabelSelector node as the API server does (ValidateLabelSelector): label keys and
/// values, operators and their values. Shared by the NetworkPolicy and admin-tier policy readers.
/// </summary>
internal static class SelectorReader
{
    private static readonly string[] SelectorFields = ["matchLabels", "matchExpressions"];
    private static readonly string[] ExpressionFields = ["key", "operator", "values"];

    /// <summary>
    /// The selector at <paramref name="pointer"/> (absent or null: the empty selector, which matches everything); null
    /// after an error, reported through <paramref name="error"/> (pointer, message). <paramref name="unknownFields"/>
    /// is called with every selector and expression mapping to report unknown fields.
    /// </summary>
    public static LabelSelector? Read(Node? node, string pointer, Action<string, string> error, Action<MappingNode, string, string[]> unknownFields)
    {
        var errors = 0;
        void Error(string at, string message)
        {
            errors++;
            error(at, message);
        }

        if (node is null or ScalarNode { IsNull: true })
        {
            return LabelSelector.FromNode(null);
        }

        if (node is not MappingNode map)
        {
            Error(pointer, "must be a label selector (matchLabels, matchExpressions)");
            return null;
        }

        unknownFields(map, pointer, SelectorFields);
        if (Present(map.Get("matchLabels")) is { } labelsNode)
        {
            if (labelsNode is not MappingNode labels)
            {
                Error($"{pointer}/matchLabels", "must be a mapping of label keys to values");
            }
            else
            {
                foreach (var entry in labels.Entries)
                {
                    var at = $"{pointer}/matchLabels/{JsonPointer.Escape(entry.Key.Value)}";
                    if (LabelSyntax.KeyError(entry.Key.Value) is { } keyError)
                    {
                        Error(at, keyError);
                    }

                    if (entry.Value is not ScalarNode value)
                    {
                        Error(at, "must be a string");
                    }
                    else if (LabelSyntax.ValueError(value.IsNull ? string.Empty : value.Value) is { } valueError)
                    {
                        Error(at, valueError);
                    }
                }
            }
        }

        if (Present(map.Get("matchExpressions")) is { } exprNode)
        {
            if (exprNode is not SequenceNode exprs)
            {
                Error($"{pointer}/matchExpressions", "must be a list of requirements");
            }
            else
            {
                for (var i = 0; i < exprs.Items.Count; i++)
                {
                    var at = $"{pointer}/matchExpressions/{i}";
                    if (exprs.Items[i] is not MappingNode e)
                    {
                        Error(at, "must be a requirement (key, operator, values)");
                        continue;
                    }

                    unknownFields(e, at, ExpressionFields);
                    var key = e.GetString("key") ?? string.Empty;
                    if (LabelSyntax.KeyError(key) is { } keyError)
                    {
                        Error($"{at}/key", keyError);
                    }

                    var op = e.GetString("operator") ?? string.Empty;
                    var valuesNode = Present(e.Get("values"));
                    if (valuesNode is not null and not SequenceNode)
                    {
                        Error($"{at}/values", "must be a list of strings");
                        continue;
                    }

                    var values = (valuesNode as SequenceNode)?.Items ?? [];
                    switch (op)
                    {
                        case "In" or "NotIn" when values.Count == 0:
                            Error($"{at}/values", $"must be specified when `operator` is '{op}'");
                            break;
                        case "Exists" or "DoesNotExist" when values.Count > 0:
                            Error($"{at}/values", $"may not be specified when `operator` is '{op}'");
                            break;
                        case "In" or "NotIn" or "Exists" or "DoesNotExist":
                            break;
                        default:
                            Error($"{at}/operator", $"not a valid selector operator \"{op}\" (In, NotIn, Exists, DoesNotExist)");
                            break;
                    }

                    for (var v = 0; v < values.Count; v++)
                    {
                        if (values[v] is not ScalarNode { IsNull: false } s)
                        {
                            Error($"{at}/values/{v}", "must be a string");
                        }
                        else if (LabelSyntax.ValueError(s.Value) is { } valueError)
                        {
                            Error($"{at}/values/{v}", valueError);
                        }
                    }
                }
            }
        }

        if (errors > 0)
        {
            return null;
        }

        var selector = LabelSelector.FromNode(map);
        if (selector.Error is { } selectorError)
        {
            Error(pointer, selectorError);
            return null;
        }

        return selector;
    }

    private static Node? Present(Node? node) => node is ScalarNode { IsNull: true } ? null : node;
}
