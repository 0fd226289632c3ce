using Bulwark.Loading;
using Bulwark.Rbac;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Tests.Rbac;

/// <summary>
/// The data-driven test of the RBAC model against the checklist of spec/RBAC.md section 1. Each file under
/// Rbac/Fixtures/ holds <c>objects</c> (manifests), optional <c>defaultRoles</c> (default true), optional
/// <c>problems</c> (the exact multiset of problem ids) and <c>queries</c>, each one of:
/// <c>canI</c> (expects <c>allowed</c>, optional <c>grants</c>), <c>whoCan</c> (expects <c>subjects</c>),
/// <c>review</c> (expects <c>grants</c>), <c>role</c> (expects <c>ruleCount</c>), <c>writeRole</c> (the written
/// rules of the fixture role <c>rules</c>, "Kind [ns/]name", written as <c>kind</c>/<c>namespace</c>/<c>name</c>,
/// default that role) and <c>bind</c> (a binding in <c>namespace</c>, absent for a ClusterRoleBinding, to
/// <c>kind</c>/<c>name</c>), both expecting <c>allowed</c>, <c>reason</c> and optionally <c>atom</c>. A grant is written
/// "BindingKind [ns/]name -> RoleKind [ns/]name"; a subject "Kind [ns/]name" as written in its binding.
/// </summary>
public sealed class RbacFixtureTests
{
    public static string FixtureRoot => Path.Combine(AppContext.BaseDirectory, "Rbac", "Fixtures");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureRoot, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Should_Answer_Every_Query_Of_The_Fixture_As_Upstream(string fixture)
    {
        // Given
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(FixtureRoot, fixture)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var load = new ManifestLoader().LoadText(Scalar(root, "objects") ?? string.Empty, fixture);
        Assert.DoesNotContain(load.Errors, e => e.Level == Bulwark.Findings.InputErrorLevel.Error);
        var model = RbacModel.Build(load.Objects, new RbacModelOptions { IncludeDefaultRoles = Scalar(root, "defaultRoles") != "false" });
        var failures = new List<string>();

        // When / Then
        if (List(root, "problems") is { } expectedProblems)
        {
            var actual = model.Problems.Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
            if (!actual.SequenceEqual(expectedProblems.Order(StringComparer.Ordinal)))
            {
                failures.Add($"problems: expected [{string.Join(", ", expectedProblems.Order(StringComparer.Ordinal))}] got [{string.Join(", ", actual)}]:\n    " +
                    string.Join("\n    ", model.Problems.Select(p => p.Message)));
            }
        }

        var queries = root.Children.TryGetValue(new YamlScalarNode("queries"), out var q) ? ((YamlSequenceNode)q).Children : [];
        for (var i = 0; i < queries.Count; i++)
        {
            var query = (YamlMappingNode)queries[i];
            var label = $"query {i + 1}{(Scalar(query, "name") is { } n ? $" ({n})" : string.Empty)}";
            try
            {
                Run(model, query, label, failures);
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or InvalidCastException)
            {
                failures.Add($"{label}: bad fixture: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{fixture}:\n  " + string.Join("\n  ", failures));
    }

    private static void Run(RbacModel model, YamlMappingNode query, string label, List<string> failures)
    {
        if (Mapping(query, "canI") is { } canI)
        {
            var request = Request(canI);
            var decision = model.CanI(request, User(Scalar(canI, "as")!, List(canI, "groups") ?? []));
            var allowed = Scalar(query, "allowed") ?? throw new InvalidOperationException("canI needs allowed");
            if (decision.Allowed != (allowed == "true"))
            {
                failures.Add($"{label}: can-i {request}: expected allowed={allowed}, got {decision.Allowed} ({string.Join("; ", decision.Grants)})");
            }

            if (List(query, "grants") is { } grants)
            {
                Compare(label, "grants", grants, decision.Grants.Select(Describe).Distinct().ToList(), failures, ordered: true);
            }
        }
        else if (Mapping(query, "whoCan") is { } whoCan)
        {
            var request = Request(whoCan);
            var result = model.WhoCan(request, Scalar(whoCan, "allNamespaces") == "true");
            var actual = result.Subjects.Select(s => s.Kind + " " + (s.Namespace is null ? string.Empty : s.Namespace + "/") + s.Name).ToList();
            Compare(label, $"who-can {request} subjects", List(query, "subjects") ?? throw new InvalidOperationException("whoCan needs subjects"), actual, failures, ordered: false);
            if (!result.ImplicitSubjects.Any(s => s.Name == UserInfo.Masters))
            {
                failures.Add($"{label}: system:masters missing from implicit subjects");
            }
        }
        else if (Mapping(query, "review") is { } review)
        {
            var grants = model.RulesFor(User(Scalar(review, "as")!, List(review, "groups") ?? []), Scalar(review, "namespace") ?? string.Empty);
            Compare(label, "review grants", List(query, "grants") ?? [], grants.Select(Describe).Distinct().ToList(), failures, ordered: false);
        }
        else if (Mapping(query, "role") is { } role)
        {
            var key = new RoleKey(Scalar(role, "kind")!, Scalar(role, "namespace") ?? string.Empty, Scalar(role, "name")!);
            var found = model.FindRole(key);
            var expected = Scalar(query, "ruleCount");
            var actual = found?.Rules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing";
            if (expected != actual)
            {
                failures.Add($"{label}: {key}: expected {expected} rules, got {actual}: {string.Join("; ", found?.Rules ?? [])}");
            }
        }
        else if (Mapping(query, "writeRole") is { } write)
        {
            var source = ParseRoleKey(Scalar(write, "rules") ?? throw new InvalidOperationException("writeRole needs rules"));
            var rules = model.FindRole(source)?.WrittenRules ?? throw new InvalidOperationException($"no role {source}");
            var target = new RoleKey(Scalar(write, "kind") ?? source.Kind, Scalar(write, "namespace") ?? source.Namespace, Scalar(write, "name") ?? source.Name);
            var decision = EscalationCheck.CanWriteRole(model, User(Scalar(write, "as")!, List(write, "groups") ?? []), target, rules);
            CheckEscalation(label, $"write {target}", query, decision, failures);
        }
        else if (Mapping(query, "bind") is { } bind)
        {
            var decision = EscalationCheck.CanBind(model, User(Scalar(bind, "as")!, List(bind, "groups") ?? []),
                Scalar(bind, "kind")!, Scalar(bind, "name")!, Scalar(bind, "namespace") ?? string.Empty);
            CheckEscalation(label, $"bind {Scalar(bind, "kind")} {Scalar(bind, "name")} in \"{Scalar(bind, "namespace")}\"", query, decision, failures);
        }
        else
        {
            throw new InvalidOperationException("unknown query kind");
        }
    }

    private static void CheckEscalation(string label, string what, YamlMappingNode query, EscalationDecision decision, List<string> failures)
    {
        var allowed = Scalar(query, "allowed") ?? throw new InvalidOperationException("allowed missing");
        var reason = Scalar(query, "reason") ?? throw new InvalidOperationException("reason missing");
        var atom = Scalar(query, "atom");
        if (decision.Allowed != (allowed == "true") || !string.Equals(decision.Reason.ToString(), reason, StringComparison.OrdinalIgnoreCase) ||
            (atom is not null && atom != decision.Uncovered?.ToString()))
        {
            failures.Add($"{label}: {what}: expected allowed={allowed} reason={reason}{(atom is null ? string.Empty : $" atom={atom}")}, got {decision.Allowed} {decision.Reason} atom={decision.Uncovered} ({decision})");
        }
    }

    private static RoleKey ParseRoleKey(string text)
    {
        var space = text.IndexOf(' ');
        var rest = text[(space + 1)..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? new RoleKey(text[..space], string.Empty, rest) : new RoleKey(text[..space], rest[..slash], rest[(slash + 1)..]);
    }

    private static void Compare(string label, string what, IReadOnlyList<string> expected, IReadOnlyList<string> actual, List<string> failures, bool ordered)
    {
        var e = ordered ? expected : expected.Order(StringComparer.Ordinal).ToList();
        var a = ordered ? actual : actual.Order(StringComparer.Ordinal).ToList();
        if (!e.SequenceEqual(a))
        {
            failures.Add($"{label}: {what}: expected [{string.Join(", ", e)}] got [{string.Join(", ", a)}]");
        }
    }

    private static string Describe(Grant g) =>
        $"{g.Binding.Kind} {(g.Binding.IsClusterRoleBinding ? string.Empty : g.Binding.Namespace + "/")}{g.Binding.Name} -> " +
        $"{g.Role.Kind} {(g.Role.Namespace.Length == 0 ? string.Empty : g.Role.Namespace + "/")}{g.Role.Name}";

    /// <summary>The request; with <c>asSent: true</c> normalised as the API server's request resolver would send it.</summary>
    private static RequestAttributes Request(YamlMappingNode node)
    {
        var verb = Scalar(node, "verb") ?? throw new InvalidOperationException("verb missing");
        RequestAttributes request;
        if (Scalar(node, "url") is { } url)
        {
            request = RequestAttributes.ForNonResource(verb, url);
        }
        else
        {
            var (resource, sub) = AccessMatrix.Split(Scalar(node, "resource") ?? throw new InvalidOperationException("resource missing"));
            request = RequestAttributes.ForResource(verb, Scalar(node, "group") ?? string.Empty, resource, sub, Scalar(node, "name") ?? string.Empty, Scalar(node, "namespace") ?? string.Empty);
        }

        return Scalar(node, "asSent") == "true" ? KnownResources.AsSent(request, []) : request;
    }

    private static UserInfo User(string text, IReadOnlyList<string> groups)
    {
        var colon = text.IndexOf(':');
        var kind = text[..colon];
        var rest = text[(colon + 1)..];
        return kind switch
        {
            "user" => UserInfo.ForUser(rest, groups),
            "group" => UserInfo.ForGroup(rest, groups),
            "serviceaccount" => UserInfo.ForServiceAccount(rest[..rest.IndexOf(':')], rest[(rest.IndexOf(':') + 1)..], groups),
            "raw" => new UserInfo(rest, groups), // exactly the given name and groups, nothing implicit
            _ => throw new InvalidOperationException($"bad subject {text}"),
        };
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v as YamlMappingNode : null;

    private static List<string>? List(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList()
            : null;
}
