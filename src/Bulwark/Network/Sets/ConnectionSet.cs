using System.Text;

namespace Bulwark.Network.Sets;

/// <summary>
/// An immutable set of connections: ports per protocol (TCP, UDP, SCTP) plus a flag for every other protocol
/// (ICMP and anything without ports), which only a rule without ports admits. <see cref="All"/> is "any traffic".
/// Equality is structural; <see cref="ToString"/> is canonical (<c>TCP 80,8080-8090; UDP 53</c>, <c>all</c>, <c>none</c>).
/// </summary>
public sealed class ConnectionSet : IEquatable<ConnectionSet>
{
    private readonly int _hash;

    public ConnectionSet(PortSet tcp, PortSet udp, PortSet sctp, bool otherProtocols)
    {
        Tcp = tcp;
        Udp = udp;
        Sctp = sctp;
        OtherProtocols = otherProtocols;
        _hash = HashCode.Combine(tcp, udp, sctp, otherProtocols);
        IsEmpty = !otherProtocols && tcp.IsEmpty && udp.IsEmpty && sctp.IsEmpty;
        IsAll = otherProtocols && tcp.IsAll && udp.IsAll && sctp.IsAll;
    }

    public static ConnectionSet None { get; } = new(PortSet.Empty, PortSet.Empty, PortSet.Empty, false);

    public static ConnectionSet All { get; } = new(PortSet.All, PortSet.All, PortSet.All, true);

    public PortSet Tcp { get; }

    public PortSet Udp { get; }

    public PortSet Sctp { get; }

    /// <summary>Protocols other than TCP, UDP and SCTP (ICMP, ...): NetworkPolicy admits them only through a rule without ports.</summary>
    public bool OtherProtocols { get; }

    public bool IsEmpty { get; }

    public bool IsAll { get; }

    /// <summary>The pool that interned this instance, if any.</summary>
    internal ConnectionSetPool? Pool { get; set; }

    /// <summary>The id <see cref="Pool"/> gave this instance.</summary>
    internal int PoolId { get; set; } = -1;

    public PortSet Ports(Protocol protocol) => protocol switch
    {
        Protocol.Tcp => Tcp,
        Protocol.Udp => Udp,
        _ => Sctp,
    };

    /// <summary>The given ports of one protocol.</summary>
    public static ConnectionSet Of(Protocol protocol, PortSet ports) => protocol switch
    {
        Protocol.Tcp => new(ports, PortSet.Empty, PortSet.Empty, false),
        Protocol.Udp => new(PortSet.Empty, ports, PortSet.Empty, false),
        _ => new(PortSet.Empty, PortSet.Empty, ports, false),
    };

    public static ConnectionSet Of(Protocol protocol, int from, int to) => Of(protocol, PortSet.Range(from, to));

    public ConnectionSet Union(ConnectionSet other)
    {
        if (other.IsEmpty || IsAll || ReferenceEquals(this, other))
        {
            return this;
        }

        return IsEmpty || other.IsAll
            ? other
            : new(Tcp.Union(other.Tcp), Udp.Union(other.Udp), Sctp.Union(other.Sctp), OtherProtocols || other.OtherProtocols);
    }

    public ConnectionSet Intersect(ConnectionSet other)
    {
        if (IsEmpty || other.IsAll || ReferenceEquals(this, other))
        {
            return this;
        }

        return other.IsEmpty || IsAll
            ? other
            : new(Tcp.Intersect(other.Tcp), Udp.Intersect(other.Udp), Sctp.Intersect(other.Sctp), OtherProtocols && other.OtherProtocols);
    }

    public ConnectionSet Complement() =>
        new(Tcp.Complement(), Udp.Complement(), Sctp.Complement(), !OtherProtocols);

    public ConnectionSet Subtract(ConnectionSet other) =>
        other.IsEmpty || IsEmpty ? this : other.IsAll ? None : Intersect(other.Complement());

    public bool IsSubsetOf(ConnectionSet other) => Subtract(other).IsEmpty;

    public bool Contains(Protocol protocol, int port) => Ports(protocol).Contains(port);

    /// <summary>Per-protocol intervals, in TCP, UDP, SCTP order (what the JSON "allowed" list holds).</summary>
    public IEnumerable<(Protocol Protocol, int From, int To)> Ranges =>
        Protocols.All.SelectMany(p => Ports(p).Ranges.Select(r => (p, r.From, r.To)));

    /// <summary>Canonical text: <c>all</c>, <c>none</c>, or <c>TCP 80,8080-8090; UDP 53</c> (a whole protocol prints as 1-65535), with <c>other protocols</c> last.</summary>
    public override string ToString()
    {
        if (IsAll)
        {
            return "all";
        }

        if (IsEmpty)
        {
            return "none";
        }

        var sb = new StringBuilder();
        foreach (var p in Protocols.All)
        {
            var ports = Ports(p);
            if (!ports.IsEmpty)
            {
                if (sb.Length > 0)
                {
                    sb.Append("; ");
                }

                sb.Append(p.Name()).Append(' ').Append(ports);
            }
        }

        if (OtherProtocols)
        {
            sb.Append(sb.Length > 0 ? "; " : string.Empty).Append("other protocols");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Parses the canonical text (<c>all</c>, <c>none</c>, <c>TCP 80,8080-8090; UDP 53</c>, <c>TCP</c> for every TCP port,
    /// <c>other protocols</c>); protocol names are case-insensitive. False on malformed text.
    /// </summary>
    public static bool TryParse(string text, out ConnectionSet set)
    {
        set = None;
        var trimmed = text.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            set = All;
            return true;
        }

        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var result = None;
        foreach (var part in trimmed.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("other protocols", StringComparison.OrdinalIgnoreCase))
            {
                result = result.Union(new ConnectionSet(PortSet.Empty, PortSet.Empty, PortSet.Empty, true));
                continue;
            }

            var space = part.IndexOf(' ');
            var name = space < 0 ? part : part[..space];
            if (!Protocols.TryParse(name, out var protocol, ignoreCase: true))
            {
                return false;
            }

            var ports = PortSet.All;
            if (space >= 0 && !PortSet.TryParse(part[(space + 1)..], out ports))
            {
                return false;
            }

            result = result.Union(Of(protocol, ports));
        }

        set = result;
        return !trimmed.Equals(string.Empty, StringComparison.Ordinal);
    }

    public bool Equals(ConnectionSet? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (_hash == other._hash && OtherProtocols == other.OtherProtocols && Tcp.Equals(other.Tcp) && Udp.Equals(other.Udp) && Sctp.Equals(other.Sctp)));

    public override bool Equals(object? obj) => Equals(obj as ConnectionSet);

    public override int GetHashCode() => _hash;
}
