using Bulwark.Images;
using Bulwark.Rules.Image;
using Xunit;

namespace Bulwark.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Hex = "4c8e5f2a9b1d3e7f6a0c2b4d8e1f3a5c7b9d0e2f4a6c8b1d3e5f7a9c0b2d4e6f";
    private const string Digest = "sha256:" + Hex;

    public static TheoryData<string, string, string, string?, string?> ValidReferences() => new()
    {
        // text, registry, repository, tag, digest
        { "nginx", "docker.io", "library/nginx", null, null },
        { "nginx:1.27", "docker.io", "library/nginx", "1.27", null },
        { "library/nginx", "docker.io", "library/nginx", null, null },
        { "docker.io/nginx", "docker.io", "library/nginx", null, null },
        { "docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", null },
        { "index.docker.io/nginx", "docker.io", "library/nginx", null, null },
        { "bitnami/redis:7.4", "docker.io", "bitnami/redis", "7.4", null },
        { "localhost/app", "localhost", "app", null, null },
        { "localhost:5000/app:1", "localhost:5000", "app", "1", null },
        { "registry.example.com:443/team/app@" + Digest, "registry.example.com:443", "team/app", null, Digest },
        { "app:1.0@" + Digest, "docker.io", "library/app", "1.0", Digest },
        { "ghcr.io/org/app", "ghcr.io", "org/app", null, null },
        { "ghcr.io/org/team/sub/app:v2", "ghcr.io", "org/team/sub/app", "v2", null },
        { "10.0.0.1:5000/app", "10.0.0.1:5000", "app", null, null },
        { "[::1]:5000/app:1", "[::1]:5000", "app", "1", null },
        { "[2001:db8::1]/app", "[2001:db8::1]", "app", null, null },
        { "registry:5000/app", "registry:5000", "app", null, null },
        { "Registry.Example.com/app", "Registry.Example.com", "app", null, null },
        { "Foo/bar", "Foo", "bar", null, null },
        { "quay.io/my-org/my__app.v2--beta_x", "quay.io", "my-org/my__app.v2--beta_x", null, null },
        { "app:V1.2_rc-3", "docker.io", "library/app", "V1.2_rc-3", null },
        { "app:_x", "docker.io", "library/app", "_x", null },
        { "localhost:5000", "docker.io", "library/localhost", "5000", null },
        { "user/localhost", "docker.io", "user/localhost", null, null },
    };

    [Theory]
    [MemberData(nameof(ValidReferences))]
    public void Should_Parse_Valid_References_Like_The_Runtime(string text, string registry, string repository, string? tag, string? digest)
    {
        // When
        var reference = ImageReference.Parse(text);

        // Then
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(text, reference.Original);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Nginx", "must be lowercase")]
    [InlineData("Nginx:1.27", "must be lowercase")]
    [InlineData("ghcr.io/MyOrg/app", "must be lowercase")]
    [InlineData("app@sha256:short", "digest")]
    [InlineData("app@sha256:abc123", "digest")]
    [InlineData("app@sha256:" + "4C8E5F2A9B1D3E7F6A0C2B4D8E1F3A5C7B9D0E2F4A6C8B1D3E5F7A9C0B2D4E6F", "lowercase hexadecimal")]
    [InlineData("app@sha256:" + Hex + "00", "64 lowercase hexadecimal")]
    [InlineData("app@md5:0123456789abcdef0123456789abcdef", "not supported")]
    [InlineData("app@SHA256:" + Hex, "not supported")]
    [InlineData("app@" + Digest + "@" + Digest, "digest")]
    [InlineData("app@", "digest")]
    [InlineData(":tag", "missing")]
    [InlineData("@" + Digest, "missing")]
    [InlineData("app:", "tag")]
    [InlineData("app:-rc1", "tag")]
    [InlineData("app:.hidden", "tag")]
    [InlineData("app:a+b", "tag")]
    [InlineData(" nginx", "whitespace")]
    [InlineData("nginx\n", "whitespace")]
    [InlineData(Hex, "image ID")]
    [InlineData("ghcr.io/", "missing")]
    [InlineData("docker.io/", "missing")]
    [InlineData("ghcr.io//app", "invalid")]
    [InlineData("nginx/", "invalid")]
    [InlineData("-app", "invalid")]
    [InlineData("app-", "invalid")]
    [InlineData("a..b", "invalid")]
    [InlineData("a___b", "invalid")]
    [InlineData("my_registry.local/app", "registry host")]
    [InlineData("-host.com/app", "registry host")]
    [InlineData("host.com:port/app", "registry host")]
    [InlineData("[fe80::1%eth0]/app", "registry host")]
    [InlineData("ghcr.io/org/app:1.0:2.0", "invalid")]
    public void Should_Reject_References_The_Runtime_Rejects(string text, string reason)
    {
        // When
        var ok = ImageReference.TryParse(text, out var reference, out var error);

        // Then
        Assert.False(ok, $"{text} parsed as {reference}");
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ImageReference.Parse(text));
    }

    [Fact]
    public void Should_Reject_Null()
    {
        Assert.False(ImageReference.TryParse(null, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Accept_Tags_Up_To_128_Characters()
    {
        Assert.True(ImageReference.TryParse("app:" + new string('a', 128), out _, out _));
        Assert.False(ImageReference.TryParse("app:" + new string('a', 129), out _, out _));
    }

    [Fact]
    public void Should_Limit_The_Repository_Path_To_255_Characters_Without_The_Registry()
    {
        // The limit counts the normalised path ("library/" included), not the registry host.
        var path254 = "org/" + new string('a', 250);
        Assert.True(ImageReference.TryParse("registry.example.com/" + path254 + "b", out _, out _));
        Assert.False(ImageReference.TryParse("registry.example.com/" + path254 + "bc", out _, out var error));
        Assert.Contains("255", error, StringComparison.Ordinal);
        Assert.False(ImageReference.TryParse(new string('a', 248), out _, out _));
        Assert.True(ImageReference.TryParse(new string('a', 247), out _, out _));
    }

    [Theory]
    [InlineData("sha384:", 96, true)]
    [InlineData("sha512:", 128, true)]
    [InlineData("sha512:", 64, false)]
    public void Should_Check_The_Digest_Length_Per_Algorithm(string algorithm, int length, bool valid)
    {
        var text = "app@" + algorithm + new string('a', length);
        Assert.Equal(valid, ImageReference.TryParse(text, out _, out _));
    }

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx", "nginx", "docker.io/library/nginx:latest")]
    [InlineData("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27", "nginx:1.27", "docker.io/library/nginx:1.27")]
    [InlineData("bitnami/redis", "docker.io/bitnami/redis", "bitnami/redis", "docker.io/bitnami/redis:latest")]
    [InlineData("docker.io/library/team/app", "docker.io/library/team/app", "library/team/app", "docker.io/library/team/app:latest")]
    [InlineData("ghcr.io/org/app:1@" + Digest, "ghcr.io/org/app:1@" + Digest, "ghcr.io/org/app:1@" + Digest, "ghcr.io/org/app:1@" + Digest)]
    [InlineData("app@" + Digest, "docker.io/library/app@" + Digest, "app@" + Digest, "docker.io/library/app@" + Digest)]
    public void Should_Give_Normalized_And_Familiar_Forms(string text, string normalized, string familiar, string withDefaultTag)
    {
        // When
        var reference = ImageReference.Parse(text);

        // Then
        Assert.Equal(normalized, reference.Normalized);
        Assert.Equal(familiar, reference.Familiar);
        Assert.Equal(withDefaultTag, reference.NormalizedWithDefaultTag);
        Assert.Equal(normalized, reference.ToString());
    }

    [Theory]
    [InlineData("nginx", true, "latest")]
    [InlineData("nginx:latest", false, "latest")]
    [InlineData("nginx@" + Digest, false, null)]
    [InlineData("nginx:1.27@" + Digest, false, "1.27")]
    public void Should_Know_The_Implicit_Latest_Tag(string text, bool implicitLatest, string? effectiveTag)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(implicitLatest, reference.IsImplicitLatest);
        Assert.Equal(effectiveTag, reference.EffectiveTag);
    }

    [Theory]
    [InlineData("registry.example.com", "registry.example.com/app:1", true)]
    [InlineData("registry.example.com", "REGISTRY.example.com/app:1", true)]
    [InlineData("registry.example.com", "registry.example.com:5000/app:1", false)]
    [InlineData("registry.example.com:5000", "registry.example.com:5000/app:1", true)]
    [InlineData("ghcr.io/myorg", "ghcr.io/myorg/app", true)]
    [InlineData("ghcr.io/myorg/", "ghcr.io/myorg/team/app", true)]
    [InlineData("ghcr.io/myorg", "ghcr.io/myorganisation/app", false)]
    [InlineData("ghcr.io/myorg", "ghcr.io/myorg", true)]
    [InlineData("docker.io", "nginx", true)]
    [InlineData("index.docker.io", "nginx", true)]
    [InlineData("docker.io", "index.docker.io/bitnami/redis", true)]
    [InlineData("docker.io/library", "nginx", true)]
    [InlineData("docker.io/nginx", "nginx", true)]
    [InlineData("docker.io/nginx", "someone/nginx", false)]
    [InlineData("ghcr.io", "nginx", false)]
    [InlineData("", "nginx", false)]
    public void Should_Match_Allowed_Registry_Entries(string entry, string image, bool expected)
    {
        Assert.Equal(expected, ImageRegistryNotAllowed.Matches(entry, ImageReference.Parse(image)));
    }
}
