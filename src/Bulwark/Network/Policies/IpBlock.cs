using Bulwark.Network.Sets;

namespace Bulwark.Network.Policies;

/// <summary>An ipBlock peer: the cidr minus every except.</summary>
public sealed class IpBlock
{
    public IpBlock(Cidr cidr, IReadOnlyList<Cidr> except)
    {
        Cidr = cidr;
        Except = except;
        var addresses = IpRangeSet.Of(cidr);
        foreach (var e in except)
        {
            addresses = addresses.Subtract(IpRangeSet.Of(e));
        }

        Addresses = addresses;
    }

    public Cidr Cidr { get; }

    public IReadOnlyList<Cidr> Except { get; }

    /// <summary>The addresses the block admits (cidr minus excepts).</summary>
    public IpRangeSet Addresses { get; }

    public override string ToString() =>
        Except.Count == 0 ? $"ipBlock {Cidr.Text}" : $"ipBlock {Cidr.Text} except {string.Join(", ", Except.Select(e => e.Text))}";
}
