using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

/// <summary>
/// The data-driven test of NetworkPolicy semantics (spec/NETPOL.md section 1). Each folder under Network/Fixtures
/// holds <c>manifests.yaml</c> and one or more <c>*.expected</c> files written by hand, each the complete list of
/// allowed connections under its options:
/// <list type="bullet">
/// <item><c># options: include-self ipblock-matches-pods</c> (optional; other <c>#</c> lines are comments);</item>
/// <item><c>SRC -> DST : CONNECTIONS</c>, an end being <c>ns/Kind/name</c>, external ranges <c>a-b, c-d</c>, or
/// <c>ANY</c> for every IPv4 and IPv6 address; connections as <c>all</c> or <c>TCP 80,8080-8090; UDP 53</c>;</item>
/// <item><c>error: TEXT</c> / <c>warning: TEXT</c>: a problem whose message contains TEXT (errors must all be listed);</item>
/// <item><c>unknown: ns/Kind/name</c>: a workload whose policy effect is unknown (hostNetwork), all listed;</item>
/// <item><c>not-evaluated: Kind name</c>: a recognised policy object not evaluated, all listed.</item>
/// </list>
/// </summary>
public sealed class NetworkFixtureTests
{
    private const string AnyAddress = "0.0.0.0-255.255.255.255, ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

    public static string FixtureRoot => Path.Combine(AppContext.BaseDirectory, "Network", "Fixtures");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureRoot, "*.expected", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(FixtureRoot, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Should_Allow_Exactly_The_Hand_Checked_Connections(string fixture)
    {
        // Given
        var expectedPath = Path.Combine(FixtureRoot, fixture);
        var folder = Path.GetDirectoryName(expectedPath)!;
        var expected = Parse(File.ReadAllLines(expectedPath));
        var load = new ManifestLoader().Load([Path.Combine(folder, "manifests.yaml")]);
        Assert.DoesNotContain(load.Errors, e => e.Level == InputErrorLevel.Error);
        var model = NetworkModel.Build(load.Objects);
        var evaluator = new PolicyEvaluator(model, expected.Options);

        // When
        var report = ConnectivityAnalyzer.Analyze(evaluator);

        // Then
        var failures = new List<string>();
        var actual = report.Connections.Select(c => $"{c.Source} -> {c.Destination} : {c.Allowed}").ToHashSet(StringComparer.Ordinal);
        failures.AddRange(expected.Connections.Except(actual).Order(StringComparer.Ordinal).Select(l => "missing:    " + l));
        failures.AddRange(actual.Except(expected.Connections).Order(StringComparer.Ordinal).Select(l => "unexpected: " + l));
        var errors = report.Errors.Select(e => e.ToString()).ToList();
        foreach (var text in expected.Errors)
        {
            if (!errors.Any(e => e.Contains(text, StringComparison.Ordinal)))
            {
                failures.Add($"missing error containing: {text}");
            }
        }

        foreach (var error in errors.Where(e => !expected.Errors.Any(t => e.Contains(t, StringComparison.Ordinal))))
        {
            failures.Add($"unexpected error: {error}");
        }

        foreach (var text in expected.Warnings.Where(t => !report.Warnings.Any(w => w.Contains(t, StringComparison.Ordinal))))
        {
            failures.Add($"missing warning containing: {text}");
        }

        var unknown = report.PolicyEffectUnknown.Select(w => w.Ref.ToString()).Order(StringComparer.Ordinal).ToList();
        if (!unknown.SequenceEqual(expected.Unknown.Order(StringComparer.Ordinal)))
        {
            failures.Add($"unknown: expected [{string.Join(", ", expected.Unknown)}], got [{string.Join(", ", unknown)}]");
        }

        var notEvaluated = report.NotEvaluated.Select(o => $"{o.Object.Kind} {o.Object.Name}").Order(StringComparer.Ordinal).ToList();
        if (!notEvaluated.SequenceEqual(expected.NotEvaluated.Order(StringComparer.Ordinal)))
        {
            failures.Add($"not-evaluated: expected [{string.Join(", ", expected.NotEvaluated)}], got [{string.Join(", ", notEvaluated)}]");
        }

        Assert.True(failures.Count == 0, $"{fixture}:\n  " + string.Join("\n  ", failures) +
            (report.Warnings.Count > 0 ? "\n  warnings:\n    " + string.Join("\n    ", report.Warnings) : string.Empty));
    }

    private sealed record Expectation(AnalysisOptions Options, HashSet<string> Connections, List<string> Errors, List<string> Warnings, List<string> Unknown, List<string> NotEvaluated);

    private static Expectation Parse(string[] lines)
    {
        var options = AnalysisOptions.Default;
        var connections = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var warnings = new List<string>();
        var unknown = new List<string>();
        var notEvaluated = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("# options:", StringComparison.Ordinal))
            {
                var words = line["# options:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                options = new AnalysisOptions { IncludeSelf = words.Contains("include-self"), IpBlockMatchesPods = words.Contains("ipblock-matches-pods") };
                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (TryPrefix(line, "error:", errors) || TryPrefix(line, "warning:", warnings) || TryPrefix(line, "unknown:", unknown) ||
                TryPrefix(line, "not-evaluated:", notEvaluated))
            {
                continue;
            }

            var arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
            var colon = line.LastIndexOf(" : ", StringComparison.Ordinal);
            if (arrow < 0 || colon < arrow || !ConnectionSet.TryParse(line[(colon + 3)..], out var set))
            {
                throw new InvalidOperationException($"bad expectation line: {raw}");
            }

            connections.Add($"{End(line[..arrow])} -> {End(line[(arrow + 4)..colon])} : {set}");
        }

        return new Expectation(options, connections, errors, warnings, unknown, notEvaluated);
    }

    private static string End(string text) => text.Trim() == "ANY" ? AnyAddress : text.Trim();

    private static bool TryPrefix(string line, string prefix, List<string> into)
    {
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        into.Add(line[prefix.Length..].Trim());
        return true;
    }
}
