using System.Reflection;

namespace Bulwark.Rules;

/// <summary>Every built-in rule, discovered by reflection so a new rule is one new file.</summary>
public sealed class RuleCatalog
{
    private static readonly Lazy<RuleCatalog> BuiltInCatalog = new(() => new RuleCatalog(Discover(typeof(Rule).Assembly)));

    public RuleCatalog(IEnumerable<Rule> rules)
    {
        Rules = rules.OrderBy(r => r.Info.Layer).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var duplicate = Rules.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two rules share the id '{duplicate.Key}'");
        }
    }

    public static RuleCatalog BuiltIn => BuiltInCatalog.Value;

    public IReadOnlyList<Rule> Rules { get; }

    public Rule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);

    public static IEnumerable<Rule> Discover(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => typeof(Rule).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (Rule)Activator.CreateInstance(t)!);
}
