namespace Bulwark.Network.Sets;

/// <summary>The protocols whose ports a NetworkPolicy can name.</summary>
public enum Protocol
{
    Tcp,
    Udp,
    Sctp,
}

public static class Protocols
{
    /// <summary>TCP, UDP and SCTP, in printing order.</summary>
    public static IReadOnlyList<Protocol> All { get; } = [Protocol.Tcp, Protocol.Udp, Protocol.Sctp];

    /// <summary>The API name: TCP, UDP, SCTP.</summary>
    public static string Name(this Protocol protocol) => protocol switch
    {
        Protocol.Tcp => "TCP",
        Protocol.Udp => "UDP",
        _ => "SCTP",
    };

    /// <summary>Parses an API protocol name (exact case, as the API server requires); case-insensitive when asked.</summary>
    public static bool TryParse(string? text, out Protocol protocol, bool ignoreCase = false)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var p in All)
        {
            if (string.Equals(p.Name(), text, comparison))
            {
                protocol = p;
                return true;
            }
        }

        protocol = Protocol.Tcp;
        return false;
    }
}
