using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bulwark.Network.Sets;

/// <summary>
/// A CIDR as the API server reads an ipBlock's <c>cidr</c> and <c>except</c> (Kubernetes' "legacy" CIDR fields,
/// <c>ParseCIDRSloppy</c>): IPv4 octets may have leading zeros (read as decimal), and bits beyond the prefix
/// length are accepted and masked off, with the warning the API server gives. <see cref="Text"/> keeps what was
/// written.
/// </summary>
public sealed record Cidr(IpFamily Family, UInt128 Network, int PrefixLength, string Text)
{
    public int Bits => Family == IpFamily.V4 ? 32 : 128;

    /// <summary>The addresses the CIDR covers.</summary>
    public IpRange Range
    {
        get
        {
            var hostBits = Bits - PrefixLength;
            var size = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            return new IpRange(Family, Network, Network + size);
        }
    }

    /// <summary>The canonical form, <c>10.0.0.0/8</c>.</summary>
    public override string ToString() => $"{IpRange.Format(Family, Network)}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Parses a CIDR. On success <paramref name="warning"/> may say why the API server would warn (bits set beyond
    /// the prefix, an IPv4-mapped IPv6 value); on failure <paramref name="error"/> says why it is invalid.
    /// </summary>
    public static bool TryParse(string text, out Cidr cidr, out string? error, out string? warning)
    {
        cidr = null!;
        error = null;
        warning = null;
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1 ||
            !TryParseAddress(text[..slash], out var family, out var address) ||
            !text[(slash + 1)..].All(char.IsAsciiDigit) || text.Length - slash - 1 > 3)
        {
            error = $"\"{text}\" is not a valid CIDR (for example 10.9.8.0/24 or 2001:db8::/64)";
            return false;
        }

        var prefix = int.Parse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var bits = family == IpFamily.V4 ? 32 : 128;
        if (family == IpFamily.V6 && IsIpv4Mapped(address) && prefix >= 96)
        {
            // Go's net.IPNet treats ::ffff:a.b.c.d/N as the IPv4 network a.b.c.d/(N-96).
            family = IpFamily.V4;
            address = (uint)address;
            prefix -= 96;
            bits = 32;
            warning = $"non-standard CIDR value \"{text}\" (an IPv4-mapped IPv6 address) is read as IPv4; write it in IPv4 form";
        }

        if (prefix > bits)
        {
            error = $"\"{text}\" is not a valid CIDR: the prefix length is more than {bits}";
            return false;
        }

        var hostBits = bits - prefix;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var network = address & ~hostMask;
        if (network != address)
        {
            var net = $"{IpRange.Format(family, network)}/{prefix.ToString(CultureInfo.InvariantCulture)}";
            warning ??= $"CIDR value \"{text}\" has bits set beyond the prefix length: the API server accepts it as {net} (and warns that it is ambiguous)";
        }

        cidr = new Cidr(family, network, prefix, text);
        return true;
    }

    /// <summary>Parses an IPv4 address (dotted decimal; leading zeros read as decimal, as Kubernetes' sloppy parser does) or an IPv6 address.</summary>
    public static bool TryParseAddress(string text, out IpFamily family, out UInt128 value)
    {
        family = IpFamily.V4;
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        if (!text.Contains(':'))
        {
            var parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }

            uint v = 0;
            foreach (var part in parts)
            {
                if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit))
                {
                    return false;
                }

                var octet = uint.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
                if (octet > 255)
                {
                    return false;
                }

                v = (v << 8) | octet;
            }

            value = v;
            return true;
        }

        if (text.Contains('%') || text.Contains('[') || !IPAddress.TryParse(text, out var address) ||
            address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        (family, value) = IpRange.FromAddress(address);
        return true;
    }

    private static bool IsIpv4Mapped(UInt128 address) => address >> 32 == 0xFFFF;
}
