using System.Text.Json;

namespace Bulwark.Audit.Detection.Fields;

/// <summary>The top-level keys of an audit Event that fields read: found in one pass over the event, then read in O(1).</summary>
public enum EventKey
{
    AuditId,
    Stage,
    Level,
    Verb,
    RequestUri,
    User,
    ImpersonatedUser,
    SourceIps,
    UserAgent,
    ObjectRef,
    ResponseStatus,
    RequestObject,
    ResponseObject,
    RequestReceivedTimestamp,
    StageTimestamp,
    Timestamp,
    Annotations,
}

/// <summary>Maps property names to <see cref="EventKey"/>.</summary>
internal static class EventKeys
{
    public const int Count = (int)EventKey.Annotations + 1;

    /// <summary>The key of a raw (UTF-8, as written) property name; -1 for any other name.</summary>
    public static int Of(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 => name.SequenceEqual("verb"u8) ? (int)EventKey.Verb : name.SequenceEqual("user"u8) ? (int)EventKey.User : -1,
        5 => name.SequenceEqual("stage"u8) ? (int)EventKey.Stage : name.SequenceEqual("level"u8) ? (int)EventKey.Level : -1,
        7 => name.SequenceEqual("auditID"u8) ? (int)EventKey.AuditId : -1,
        9 => name.SequenceEqual("objectRef"u8) ? (int)EventKey.ObjectRef
            : name.SequenceEqual("sourceIPs"u8) ? (int)EventKey.SourceIps
            : name.SequenceEqual("userAgent"u8) ? (int)EventKey.UserAgent
            : name.SequenceEqual("timestamp"u8) ? (int)EventKey.Timestamp : -1,
        10 => name.SequenceEqual("requestURI"u8) ? (int)EventKey.RequestUri : -1,
        11 => name.SequenceEqual("annotations"u8) ? (int)EventKey.Annotations : -1,
        13 => name.SequenceEqual("requestObject"u8) ? (int)EventKey.RequestObject : -1,
        14 => name.SequenceEqual("responseStatus"u8) ? (int)EventKey.ResponseStatus
            : name.SequenceEqual("responseObject"u8) ? (int)EventKey.ResponseObject
            : name.SequenceEqual("stageTimestamp"u8) ? (int)EventKey.StageTimestamp : -1,
        16 => name.SequenceEqual("impersonatedUser"u8) ? (int)EventKey.ImpersonatedUser : -1,
        24 => name.SequenceEqual("requestReceivedTimestamp"u8) ? (int)EventKey.RequestReceivedTimestamp : -1,
        _ => -1,
    };

    /// <summary>The key of a property name given as a string (JSON pointers); -1 for any other name.</summary>
    public static int Of(string name) => Of(System.Text.Encoding.UTF8.GetBytes(name));

    /// <summary>Fills <paramref name="top"/> with the event's top-level values (the last of duplicate keys wins, as in System.Text.Json).</summary>
    public static void Fill(JsonElement root, JsonElement[] top)
    {
        Array.Clear(top);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in root.EnumerateObject())
        {
            var k = Of(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p));
            if (k >= 0)
            {
                top[k] = p.Value;
            }
        }
    }
}
