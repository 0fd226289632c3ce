using System.Text.Json;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Rendering;

/// <summary>JSON pieces shared by the netpol reports: endpoints, connection sets, assumptions and the side lists.</summary>
public static class NetworkJson
{
    /// <summary><c>{"namespace","kind","name"}</c> for a workload, <c>{"external": ["a-b", ...]}</c> for addresses.</summary>
    public static void WriteEndpoint(Utf8JsonWriter w, string property, Endpoint endpoint)
    {
        w.WriteStartObject(property);
        switch (endpoint)
        {
            case WorkloadEndpoint e:
                WriteWorkloadFields(w, e.Workload.Ref);
                break;
            case ExternalEndpoint x:
                w.WriteStartArray("external");
                foreach (var r in x.Addresses.Ranges)
                {
                    w.WriteStringValue(RangeText(r));
                }

                w.WriteEndArray();
                break;
        }

        w.WriteEndObject();
    }

    public static void WriteWorkloadFields(Utf8JsonWriter w, WorkloadRef reference)
    {
        w.WriteString("namespace", reference.Namespace);
        w.WriteString("kind", reference.Kind);
        w.WriteString("name", reference.Name);
    }

    /// <summary>An external range always as <c>first-last</c> (npa style), even for one address.</summary>
    public static string RangeText(IpRange range) =>
        $"{IpRange.Format(range.Family, range.Start)}-{IpRange.Format(range.Family, range.End)}";

    /// <summary><c>"all"</c>, or <c>[{"protocol","from","to"}]</c> (other protocols as <c>{"protocol":"other"}</c>).</summary>
    public static void WriteConnections(Utf8JsonWriter w, string property, ConnectionSet set)
    {
        if (set.IsAll)
        {
            w.WriteString(property, "all");
            return;
        }

        w.WriteStartArray(property);
        foreach (var (protocol, from, to) in set.Ranges)
        {
            w.WriteStartObject();
            w.WriteString("protocol", protocol.Name());
            w.WriteNumber("from", from);
            w.WriteNumber("to", to);
            w.WriteEndObject();
        }

        if (set.OtherProtocols)
        {
            w.WriteStartObject();
            w.WriteString("protocol", "other");
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void WriteAssumptions(Utf8JsonWriter w, PolicyEvaluator evaluator)
    {
        w.WriteStartObject("assumptions");
        w.WriteStartArray("tiers");
        foreach (var tier in evaluator.Tiers)
        {
            w.WriteStringValue(tier.Name);
        }

        w.WriteStringValue("default allow");
        w.WriteEndArray();
        w.WriteBoolean("ipBlockMatchesPods", evaluator.Options.IpBlockMatchesPods);
        w.WriteBoolean("includeSelf", evaluator.Options.IncludeSelf);
        foreach (var (name, value) in evaluator.Assumptions)
        {
            if (name is not ("tiers" or "ipBlockMatchesPods" or "includeSelf"))
            {
                w.WriteString(name, value);
            }
        }

        w.WriteEndObject();
    }

    public static void WriteSideLists(Utf8JsonWriter w, IReadOnlyList<Workload> unknown, IReadOnlyList<OtherPolicyObject> notEvaluated,
        IReadOnlyList<string> warnings, IReadOnlyList<NetworkProblem> errors)
    {
        w.WriteStartArray("policyEffectUnknown");
        foreach (var workload in unknown)
        {
            w.WriteStartObject();
            WriteWorkloadFields(w, workload.Ref);
            w.WriteString("reason", "hostNetwork: NetworkPolicy's effect on host-network pods is implementation-defined");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("notEvaluated");
        foreach (var other in notEvaluated)
        {
            var obj = other.Object;
            w.WriteStartObject();
            w.WriteString("apiVersion", obj.ApiVersion);
            w.WriteString("kind", obj.Kind);
            if (!obj.IsClusterScoped && obj.Namespace is not null)
            {
                w.WriteString("namespace", obj.Namespace);
            }

            w.WriteString("name", obj.Name);
            w.WriteString("note", other.Note);
            w.WriteString("file", obj.Origin.File.Path);
            w.WriteNumber("line", obj.Root.Start.Line);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            w.WriteStringValue(warning);
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var error in errors)
        {
            var (file, line, column) = error.Location;
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteNumber("line", line);
            w.WriteNumber("column", column);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
