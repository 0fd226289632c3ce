using System.Text;
using Bulwark.Cli.Rendering;
using Xunit;

namespace Bulwark.Tests.Cli;

public sealed class TextWriterStreamTests
{
    [Fact]
    public void Should_Decode_A_Character_Split_Across_Writes()
    {
        // Given: "é" is two bytes in UTF-8 (C3 A9), "€" three (E2 82 AC)
        var bytes = Encoding.UTF8.GetBytes("café €5");
        var output = new StringWriter();

        // When: written one byte at a time
        using (var stream = new TextWriterStream(output))
        {
            foreach (var b in bytes)
            {
                stream.Write([b]);
            }
        }

        // Then
        Assert.Equal("café €5", output.ToString());
    }
}
