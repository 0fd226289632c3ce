using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class SetTests
{
    [Fact]
    public void Should_Merge_Overlapping_And_Adjacent_Port_Ranges_Into_Canonical_Text()
    {
        // When
        var set = PortSet.FromRanges([(8080, 8090), (80, 80), (8091, 8095), (8085, 8087)]);

        // Then
        Assert.Equal("80,8080-8095", set.ToString());
        Assert.Equal(PortSet.FromRanges([(80, 80), (8080, 8095)]), set);
    }

    [Fact]
    public void Should_Compute_Port_Set_Algebra()
    {
        // Given
        var a = PortSet.Range(1, 100);
        var b = PortSet.FromRanges([(50, 60), (90, 200)]);

        // Then
        Assert.Equal("1-200", a.Union(b).ToString());
        Assert.Equal("50-60,90-100", a.Intersect(b).ToString());
        Assert.Equal("1-49,61-89", a.Subtract(b).ToString());
        Assert.Equal("101-65535", a.Complement().ToString());
        Assert.True(PortSet.All.Complement().IsEmpty);
        Assert.True(PortSet.Single(55).IsSubsetOf(b));
        Assert.Equal(PortSet.All, a.Union(a.Complement()));
    }

    [Fact]
    public void Should_Print_And_Parse_Connection_Sets_Canonically()
    {
        // Given
        var set = ConnectionSet.Of(Protocol.Udp, 53, 53).Union(ConnectionSet.Of(Protocol.Tcp, PortSet.FromRanges([(8080, 8090), (80, 80)])));

        // Then
        Assert.Equal("TCP 80,8080-8090; UDP 53", set.ToString());
        Assert.True(ConnectionSet.TryParse("udp 53; TCP 8080-8090,80", out var parsed));
        Assert.Equal(set, parsed);
        Assert.Equal("all", ConnectionSet.All.ToString());
        Assert.Equal("none", ConnectionSet.None.ToString());
        Assert.True(ConnectionSet.TryParse("TCP", out var tcp));
        Assert.Equal("TCP 1-65535", tcp.ToString());
        Assert.False(ConnectionSet.TryParse("ICMP 8", out _));
        Assert.False(ConnectionSet.TryParse("TCP 0-10", out _));
    }

    [Fact]
    public void Should_Keep_Other_Protocols_Apart_From_Port_Protocols()
    {
        // Given: everything but TCP 80 (what a deny rule on TCP 80 leaves)
        var rest = ConnectionSet.All.Subtract(ConnectionSet.Of(Protocol.Tcp, 80, 80));

        // Then
        Assert.False(rest.IsAll);
        Assert.True(rest.OtherProtocols);
        Assert.Equal("TCP 1-79,81-65535; UDP 1-65535; SCTP 1-65535; other protocols", rest.ToString());
        Assert.Equal(ConnectionSet.All, rest.Union(ConnectionSet.Of(Protocol.Tcp, 80, 80)));
        var everyPort = new ConnectionSet(PortSet.All, PortSet.All, PortSet.All, false);
        Assert.NotEqual(ConnectionSet.All, everyPort);
    }

    [Fact]
    public void Should_Intern_Equal_Sets_And_Memoise_Operations()
    {
        // Given
        var pool = new ConnectionSetPool();
        var a = pool.Intern(ConnectionSet.Of(Protocol.Tcp, 80, 80));
        var b = pool.Intern(ConnectionSet.Of(Protocol.Tcp, 80, 80));

        // Then
        Assert.Same(a, b);
        Assert.Same(pool.Union(a, ConnectionSet.Of(Protocol.Udp, 53, 53)), pool.Union(ConnectionSet.Of(Protocol.Udp, 53, 53), b));
        Assert.Same(pool.None, pool.Intersect(a, ConnectionSet.Of(Protocol.Udp, 53, 53)));
        Assert.Same(pool.None, pool.Subtract(a, pool.All));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0-10.255.255.255", null)]
    [InlineData("10.1.2.3/32", "10.1.2.3", null)]
    [InlineData("0.0.0.0/0", "0.0.0.0-255.255.255.255", null)]
    [InlineData("010.001.0.0/16", "10.1.0.0-10.1.255.255", null)]
    [InlineData("10.0.0.1/8", "10.0.0.0-10.255.255.255", "bits set beyond the prefix length")]
    [InlineData("2001:db8::/32", "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", null)]
    [InlineData("::/0", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null)]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0-10.255.255.255", "IPv4-mapped")]
    public void Should_Parse_Cidrs_As_The_Api_Server_Does(string text, string range, string? warning)
    {
        // When
        var ok = Cidr.TryParse(text, out var cidr, out var error, out var warned);

        // Then
        Assert.True(ok, error);
        Assert.Equal(range, cidr.Range.ToString());
        if (warning is null)
        {
            Assert.Null(warned);
        }
        else
        {
            Assert.Contains(warning, warned, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0/8")]
    [InlineData("256.0.0.0/8")]
    [InlineData("2001:db8::/129")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("")]
    public void Should_Reject_Invalid_Cidrs(string text)
    {
        Assert.False(Cidr.TryParse(text, out _, out var error, out _));
        Assert.NotNull(error);
    }

    [Fact]
    public void Should_Compute_Ip_Set_Algebra_Across_Families()
    {
        // Given
        var block = IpRangeSet.Of(Parse("10.0.0.0/8")).Subtract(IpRangeSet.Of(Parse("10.1.0.0/16")));
        var v6 = IpRangeSet.Of(Parse("2001:db8::/32"));

        // Then
        Assert.Equal("10.0.0.0-10.0.255.255, 10.2.0.0-10.255.255.255", block.ToString());
        Assert.Equal(block, block.Union(IpRangeSet.Empty));
        Assert.True(block.Union(v6).Intersect(v6).Equals(v6));
        Assert.Equal(IpRangeSet.All, block.Union(block.Complement()));
        Assert.True(IpRangeSet.FromRanges([Parse("10.0.0.0/9").Range, Parse("10.128.0.0/9").Range]).Equals(IpRangeSet.Of(Parse("10.0.0.0/8"))));
    }

    [Fact]
    public void Should_Cut_The_External_Space_At_Every_Boundary()
    {
        // When
        var space = ExternalAddressSpace.Build([Parse("10.0.0.0/8").Range, Parse("10.1.0.0/16").Range, Parse("fd00::/8").Range]);

        // Then
        Assert.Equal(
        [
            "0.0.0.0-9.255.255.255", "10.0.0.0-10.0.255.255", "10.1.0.0-10.1.255.255", "10.2.0.0-10.255.255.255", "11.0.0.0-255.255.255.255",
            "::-fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ], space.Atoms.Select(a => a.ToString()));
        Assert.Equal([1, 3], space.AtomsIn(IpRangeSet.Of(Parse("10.0.0.0/8")).Subtract(IpRangeSet.Of(Parse("10.1.0.0/16")))));
    }

    private static Cidr Parse(string text) => Cidr.TryParse(text, out var cidr, out _, out _) ? cidr : throw new InvalidOperationException(text);
}
