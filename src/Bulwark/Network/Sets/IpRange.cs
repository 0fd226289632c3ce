using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bulwark.Network.Sets;

public enum IpFamily
{
    V4,
    V6,
}

/// <summary>An inclusive range of addresses of one family; IPv4 addresses sit in the low 32 bits.</summary>
public readonly record struct IpRange(IpFamily Family, UInt128 Start, UInt128 End) : IComparable<IpRange>
{
    public static UInt128 MaxOf(IpFamily family) => family == IpFamily.V4 ? uint.MaxValue : UInt128.MaxValue;

    /// <summary>Every address of a family.</summary>
    public static IpRange Whole(IpFamily family) => new(family, UInt128.Zero, MaxOf(family));

    public bool Contains(IpRange other) => other.Family == Family && other.Start >= Start && other.End <= End;

    public bool Overlaps(IpRange other) => other.Family == Family && other.Start <= End && Start <= other.End;

    public int CompareTo(IpRange other) =>
        Family != other.Family ? Family.CompareTo(other.Family) : Start != other.Start ? Start.CompareTo(other.Start) : End.CompareTo(other.End);

    /// <summary><c>10.0.0.0-10.255.255.255</c>; a single address prints alone.</summary>
    public override string ToString() =>
        Start == End ? Format(Family, Start) : $"{Format(Family, Start)}-{Format(Family, End)}";

    /// <summary>Prints an address of a family (IPv6 in RFC 5952 form).</summary>
    public static string Format(IpFamily family, UInt128 value)
    {
        if (family == IpFamily.V4)
        {
            var v = (uint)value;
            return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}");
        }

        Span<byte> bytes = stackalloc byte[16];
        var upper = (ulong)(value >> 64);
        var lower = (ulong)value;
        for (var i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(upper >> (56 - (8 * i)));
            bytes[8 + i] = (byte)(lower >> (56 - (8 * i)));
        }

        return new IPAddress(bytes).ToString();
    }

    /// <summary>The address as a number of its family.</summary>
    public static (IpFamily Family, UInt128 Value) FromAddress(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return (IpFamily.V4, ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3]);
        }

        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return (IpFamily.V6, value);
    }

    /// <summary>Parses <c>a-b</c>, a single address, or a CIDR (host bits masked); false on malformed text.</summary>
    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        text = text.Trim();
        if (text.Contains('/'))
        {
            if (!Cidr.TryParse(text, out var cidr, out _, out _))
            {
                return false;
            }

            range = cidr.Range;
            return true;
        }

        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!Cidr.TryParseAddress(text, out var family, out var value))
            {
                return false;
            }

            range = new IpRange(family, value, value);
            return true;
        }

        if (!Cidr.TryParseAddress(text[..dash].Trim(), out var f1, out var start) ||
            !Cidr.TryParseAddress(text[(dash + 1)..].Trim(), out var f2, out var end) || f1 != f2 || start > end)
        {
            return false;
        }

        range = new IpRange(f1, start, end);
        return true;
    }
}
