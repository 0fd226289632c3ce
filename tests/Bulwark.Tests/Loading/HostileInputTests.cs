using System.Text;
using Bulwark.Findings;
using Bulwark.Loading;
using Xunit;

namespace Bulwark.Tests.Loading;

/// <summary>Hostile input is bounded and reported with a clear error: never a crash, a hang or unbounded memory.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Should_Stop_A_Billion_Laughs_Alias_Bomb_With_A_Limit_Error()
    {
        // Given: 9 levels of 10x expansion = 10^9 nodes if expanded
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n");
        sb.Append("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            sb.Append($"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        // When
        var load = new ManifestLoader().LoadText(sb.ToString(), "bomb.yaml");

        // Then
        var error = Assert.Single(load.Errors, e => e.Level == InputErrorLevel.Error);
        Assert.Equal("limit", error.Kind);
        Assert.Contains("alias", error.Message);
        Assert.Empty(load.Objects);
    }

    [Fact]
    public void Should_Report_A_Flow_Collection_That_Crashes_The_Yaml_Scanner_As_A_Syntax_Error()
    {
        // Given: one closing brace missing; YamlDotNet's scanner throws InvalidOperationException here, not a YamlException
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: [{a: {b: {c: d}}]\nmore: 1\n";

        // When
        var load = new ManifestLoader().LoadText(text, "flow.yaml");

        // Then
        var error = Assert.Single(load.Errors);
        Assert.Equal(("syntax", 4), (error.Kind, error.Line));
        Assert.Contains("malformed flow collection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Accept_Ordinary_Anchors_And_Aliases()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {app: web}}\ndata: {x: '1'}\nextra: *l\n";

        var load = new ManifestLoader().LoadText(text, "ok.yaml");

        Assert.Empty(load.Errors);
        Assert.Equal("web", load.Objects[0].Root.At("/extra/app")!.ToString());
    }

    [Fact]
    public void Should_Bound_Nesting_Depth()
    {
        var deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + new string('[', 5000) + new string(']', 5000) + "\n";

        var load = new ManifestLoader().LoadText(deep, "deep.yaml");

        var error = Assert.Single(load.Errors, e => e.Level == InputErrorLevel.Error);
        Assert.Equal("limit", error.Kind);
        Assert.Contains("nesting", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Should_Refuse_A_File_Over_The_Size_Limit_And_Read_The_Others()
    {
        using var dir = new TempDir();
        dir.Write("big.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: '" + new string('a', 4096) + "'}\n");
        dir.Write("small.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n");
        var loader = new ManifestLoader(LoadLimits.Default with { MaxFileBytes = 1024 });

        var load = loader.Load([dir.Path]);

        Assert.Equal("small", Assert.Single(load.Objects).Name);
        var error = Assert.Single(load.Errors);
        Assert.Equal("limit", error.Kind);
        Assert.EndsWith("big.yaml", error.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Refuse_A_Document_Over_The_Size_Limit()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: '" + new string('a', 5000) + "'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: later}\n";
        var loader = new ManifestLoader(LoadLimits.Default with { MaxDocumentChars = 1000 });

        var load = loader.LoadText(text, "doc.yaml");

        Assert.Equal("limit", Assert.Single(load.Errors).Kind);
        Assert.Contains("document is larger", load.Errors[0].Message);
    }

    [Fact]
    public void Should_Refuse_Stdin_Over_The_Size_Limit_Without_Reading_It_All()
    {
        var loader = new ManifestLoader(LoadLimits.Default with { MaxFileBytes = 100_000 })
        {
            StdinProvider = () => new EndlessStream(),
        };

        var load = loader.Load(["-"]);

        Assert.Equal("limit", Assert.Single(load.Errors).Kind);
    }

    [Fact]
    public void Should_Report_Invalid_Utf8_With_Its_Line()
    {
        using var dir = new TempDir();
        var bytes = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: 'caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("'}\n")).ToArray();
        var file = dir.WriteBytes("latin.yaml", bytes);

        var load = new ManifestLoader().Load([file]);

        var error = Assert.Single(load.Errors);
        Assert.Equal(("encoding", 4, 15), (error.Kind, error.Line, error.Column));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void Should_Reject_Recursive_Aliases()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, self: *m}\n";

        var load = new ManifestLoader().LoadText(text, "rec.yaml");

        Assert.Contains(load.Errors, e => e.Level == InputErrorLevel.Error && e.Line == 3);
    }

    [Fact]
    public void Should_Report_Binary_Garbage_As_An_Error_Not_A_Crash()
    {
        using var dir = new TempDir();
        var random = new Random(7);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        var file = dir.WriteBytes("garbage.yaml", bytes);

        var load = new ManifestLoader().Load([file]);

        Assert.Empty(load.Objects);
        Assert.Contains(load.Errors, e => e.Level == InputErrorLevel.Error);
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'a', offset, count);
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
