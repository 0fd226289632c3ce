using System.Net;
using System.Net.Sockets;

namespace Bulwark.Audit.Detection.Fields;

/// <summary>Whether an address is reachable from the internet (not private, loopback, link-local, CGNAT, ULA, ...).</summary>
internal static class IpAddresses
{
    /// <summary>"true" or "false"; null when the text is not an IP address.</summary>
    public static string? IsPublic(string text)
    {
        if (!IPAddress.TryParse(text, out var ip))
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        return Public(ip) ? "true" : "false";
    }

    private static bool Public(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None))
        {
            return false;
        }

        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] == 10 ||
                (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                (b[0] == 192 && b[1] == 168) ||
                (b[0] == 169 && b[1] == 254) ||
                (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||
                b[0] == 0 || b[0] >= 224);
        }

        // IPv6: link-local fe80::/10, unique local fc00::/7, multicast ff00::/8.
        return !(ip.IsIPv6LinkLocal || (b[0] & 0xFE) == 0xFC || b[0] == 0xFF || ip.IsIPv6SiteLocal);
    }
}
