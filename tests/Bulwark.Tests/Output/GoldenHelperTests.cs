using Xunit;
using Xunit.Sdk;

namespace Bulwark.Tests.Output;

public sealed class GoldenHelperTests
{
    [Fact]
    public void Golden_Fails_When_The_Verified_File_Is_Missing()
    {
        if (Environment.GetEnvironmentVariable(Golden.UpdateVariable) == "1")
        {
            return; // updating goldens: a missing file is created by design
        }

        const string name = "golden-helper-missing";
        var received = Path.Combine(Golden.ExpectationsDirectory, name + ".received.txt");
        try
        {
            var ex = Assert.Throws<FailException>(() => Golden.Verify(name, "anything\n"));
            Assert.Contains("is missing", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(Golden.ExpectationsDirectory, name + ".verified.txt")));
        }
        finally
        {
            File.Delete(received);
        }
    }

    [Fact]
    public void Golden_Ignores_Line_Ending_Style() =>
        Golden.Verify("report-clean.markdown", File.ReadAllText(Path.Combine(Golden.ExpectationsDirectory, "report-clean.markdown.verified.txt")).Replace("\n", "\r\n"));
}
