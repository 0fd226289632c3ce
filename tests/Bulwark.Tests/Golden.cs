using Xunit;

namespace Bulwark.Tests;

/// <summary>
/// Golden-file assertions: output is compared with Expectations/&lt;name&gt;.verified.txt in the source tree.
/// On a mismatch &lt;name&gt;.received.txt is written next to it (git-ignored) and the test fails. With
/// BULWARK_UPDATE_GOLDEN=1 the verified file is (re)written instead. A missing verified file fails the test:
/// goldens are reviewed by a person, never created silently by CI.
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "BULWARK_UPDATE_GOLDEN";

    public static string ExpectationsDirectory => Path.Combine(TestProjectDirectory(), "Expectations");

    public static void Verify(string name, string actual)
    {
        actual = Normalise(actual);
        var directory = ExpectationsDirectory;
        var verified = Path.Combine(directory, name + ".verified.txt");
        var received = Path.Combine(directory, name + ".received.txt");
        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";

        if (update)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        if (!File.Exists(verified))
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"golden file {verified} is missing; review {received} and rename it, or run with {UpdateVariable}=1");
        }

        var expected = Normalise(File.ReadAllText(verified));
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail($"output differs from {verified} at {FirstDifference(expected, actual)}; see: diff -u '{verified}' '{received}' (accept with {UpdateVariable}=1 after review)");
    }

    /// <summary>The folder holding Bulwark.Tests.csproj, found by walking up from the test binaries.</summary>
    public static string TestProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bulwark.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Bulwark.Tests.csproj not found above {AppContext.BaseDirectory}");
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
            {
                return $"line {i + 1}: expected \"{el}\", got \"{al}\"";
            }
        }

        return "the end of the file";
    }
}
