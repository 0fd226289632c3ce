using System.Globalization;
using System.Text.Json;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>
/// Reads intended connections in the connectivity JSON format (what <c>netpol connectivity -o json</c> writes; only
/// <c>connections</c> is read): <c>{"connections": [{"src", "dst", "allowed"}]}</c>, an end being
/// <c>{"namespace", "kind", "name"}</c> (kind case-insensitive) or <c>{"external": ["a.b.c.d-e.f.g.h", CIDR, address, ...]}</c>,
/// and <c>allowed</c> being <c>"all"</c> or <c>[{"protocol", "from", "to"}]</c>. <c>{"protocol": "other"}</c> cannot be
/// allowed by NetworkPolicy without every port: such an entry is generated as "all" with a warning.
/// </summary>
public static class ConnectionsFile
{
    /// <summary>
    /// The intended connections; each error starts with the line it is about (<c>"12: connections[3].src: ..."</c>), so
    /// that the caller prints <c>file:line: message</c>.
    /// </summary>
    public static IReadOnlyList<Intent> Read(string json, NetworkModel model, List<string> errors, List<string> warnings)
    {
        var intents = new List<Intent>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            errors.Add($"{(e.LineNumber ?? 0) + 1}: invalid JSON: {(cut > 0 ? message[..cut] : message).TrimEnd('.', ' ')}");
            return intents;
        }

        var lines = ItemLines(json);

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("connections", out var connections) || connections.ValueKind != JsonValueKind.Array)
            {
                errors.Add("1: expected an object with a \"connections\" array");
                return intents;
            }

            var index = 0;
            foreach (var item in connections.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 1;
                var label = string.Create(CultureInfo.InvariantCulture, $"connections[{index++}]");
                var at = string.Create(CultureInfo.InvariantCulture, $"{line}: {label}");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{at}: expected an object with src, dst and allowed");
                    continue;
                }

                var src = End(item, "src", at, model, errors);
                var dst = End(item, "dst", at, model, errors);
                var ok = Allowed(item, at, errors, warnings, out var ports);
                if (src is null || dst is null || !ok)
                {
                    continue;
                }

                if (src is AddressEnd && dst is AddressEnd)
                {
                    errors.Add($"{at}: src and dst are both external: at least one end must be a workload");
                    continue;
                }

                if (src is WorkloadEnd s && dst is WorkloadEnd d && s.Workload == d.Workload)
                {
                    warnings.Add($"{at}: a workload's connection to itself is not governed by the generated policies; skipped");
                    continue;
                }

                intents.Add(new Intent(src, dst, ports, $"intended ({label})"));
            }
        }

        return intents;
    }

    /// <summary>The line (1-based) where each item of the top-level "connections" array starts.</summary>
    private static List<int> ItemLines(string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var starts = new List<int>();
        var arrayDepth = -1;
        while (reader.Read())
        {
            if (arrayDepth < 0)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("connections") &&
                    reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    arrayDepth = reader.CurrentDepth;
                }

                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth)
            {
                break;
            }

            if (reader.CurrentDepth == arrayDepth + 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                var offset = (int)reader.TokenStartIndex;
                starts.Add(1 + bytes.AsSpan(0, offset).Count((byte)'\n'));
            }
        }

        return starts;
    }

    private static IntentEnd? End(JsonElement item, string property, string at, NetworkModel model, List<string> errors)
    {
        if (!item.TryGetProperty(property, out var end) || end.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}.{property}: expected {{\"namespace\", \"kind\", \"name\"}} or {{\"external\": [...]}}");
            return null;
        }

        if (end.TryGetProperty("external", out var external))
        {
            if (external.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{at}.{property}.external: expected an array of address ranges");
                return null;
            }

            var ranges = new List<IpRange>();
            foreach (var text in external.EnumerateArray())
            {
                if (text.ValueKind != JsonValueKind.String || !IpRange.TryParse(text.GetString()!, out var range))
                {
                    errors.Add($"{at}.{property}.external: \"{text}\" is not an address, range (a-b) or CIDR");
                    return null;
                }

                ranges.Add(range);
            }

            if (ranges.Count == 0)
            {
                errors.Add($"{at}.{property}.external: no address range");
                return null;
            }

            return new AddressEnd(IpRangeSet.FromRanges(ranges));
        }

        var ns = Text(end, "namespace");
        var kind = Text(end, "kind");
        var name = Text(end, "name");
        if (ns is null || kind is null || name is null)
        {
            errors.Add($"{at}.{property}: a workload needs namespace, kind and name");
            return null;
        }

        var workload = model.Workloads.FirstOrDefault(w => w.Namespace == ns && w.Name == name && w.Kind == kind) ??
            model.Workloads.FirstOrDefault(w => w.Namespace == ns && w.Name == name && string.Equals(w.Kind, kind, StringComparison.OrdinalIgnoreCase));
        if (workload is null)
        {
            errors.Add($"{at}.{property}: no workload {ns}/{kind}/{name} in the input");
            return null;
        }

        return new WorkloadEnd(workload);
    }

    private static bool Allowed(JsonElement item, string at, List<string> errors, List<string> warnings, out IReadOnlyList<IntentPort>? ports)
    {
        ports = null;
        if (!item.TryGetProperty("allowed", out var allowed))
        {
            errors.Add($"{at}.allowed: missing (\"all\" or a list of {{\"protocol\", \"from\", \"to\"}})");
            return false;
        }

        if (allowed.ValueKind == JsonValueKind.String && allowed.GetString() == "all")
        {
            return true;
        }

        if (allowed.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{at}.allowed: expected \"all\" or a list of {{\"protocol\", \"from\", \"to\"}}");
            return false;
        }

        var list = new List<IntentPort>();
        var other = false;
        var i = 0;
        foreach (var entry in allowed.EnumerateArray())
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{at}.allowed[{i++}]");
            var protocolText = entry.ValueKind == JsonValueKind.Object ? Text(entry, "protocol") : null;
            if (protocolText == "other")
            {
                other = true;
                continue;
            }

            if (!Protocols.TryParse(protocolText, out var protocol, ignoreCase: true))
            {
                errors.Add($"{where}: protocol must be TCP, UDP, SCTP or other");
                return false;
            }

            if (!Port(entry, "from", out var from) || !Port(entry, "to", out var to) || from > to)
            {
                errors.Add($"{where}: from and to must be ports 1-65535 with from <= to");
                return false;
            }

            list.Add(IntentPort.Numeric(protocol, from, to));
        }

        if (other)
        {
            warnings.Add($"{at}: other protocols (ICMP, ...) can only be allowed with every port of every protocol; the rule allows all traffic");
            return true;
        }

        if (list.Count == 0)
        {
            errors.Add($"{at}.allowed: empty: nothing would be allowed");
            return false;
        }

        // Merge ranges per protocol into canonical port sets.
        ports = list.GroupBy(p => p.Protocol).OrderBy(g => g.Key)
            .Select(g => new IntentPort(g.Key, null, g.Aggregate(PortSet.Empty, (set, p) => set.Union(p.Numbers)))).ToList();
        return true;
    }

    private static bool Port(JsonElement entry, string property, out int port)
    {
        port = 0;
        return entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out port) && port is >= 1 and <= 65535;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
