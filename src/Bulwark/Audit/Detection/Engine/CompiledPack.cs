using Bulwark.Audit.Detection.Conditions;
using Bulwark.Audit.Detection.Fields;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Audit.Detection.Engine;

/// <summary>
/// A rule pack compiled once, with the tuning of .bulwark.yaml applied (lists appended or replaced, macros replaced,
/// rules enabled or disabled). Immutable and shareable: each <see cref="DetectionEngine"/> created from it keeps its
/// own per-event cache, counters and aggregation state.
/// </summary>
public sealed class CompiledPack
{
    private CompiledPack(IReadOnlyList<CompiledRule> rules, IReadOnlyList<RuleLoadError> errors, FieldTable fields, IReadOnlyDictionary<string, IReadOnlyList<string>> lists, RulePack source)
    {
        Rules = rules;
        Errors = errors;
        Fields = fields;
        Lists = lists;
        Source = source;
    }

    /// <summary>Every rule that compiled, enabled or not, in pack order.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>The rules that run.</summary>
    public IEnumerable<CompiledRule> EnabledRules => Rules.Where(r => r.Enabled);

    /// <summary>The pack's reading errors, the conditions' errors and the tuning's errors, in that order.</summary>
    public IReadOnlyList<RuleLoadError> Errors { get; }

    /// <summary>The lists after tuning.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; }

    public RulePack Source { get; }

    internal FieldTable Fields { get; }

    public CompiledRule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// The built-in pack (unless <paramref name="includeBuiltIn"/> is false) plus rule folders, compiled with tuning:
    /// what <c>bulwark audit detect --rules DIR...</c> runs. Check <see cref="Errors"/>.
    /// </summary>
    public static CompiledPack Load(IEnumerable<string> ruleFolders, AuditTuning? tuning = null, bool includeBuiltIn = true)
    {
        var pack = includeBuiltIn ? RulePack.BuiltIn : RulePack.Empty;
        foreach (var folder in ruleFolders)
        {
            pack = pack.With(RulePack.LoadFolder(folder));
        }

        return Compile(pack, tuning);
    }

    /// <summary>Compiles a pack with optional tuning. Errors are collected, never thrown: the rules that compile are usable.</summary>
    public static CompiledPack Compile(RulePack pack, AuditTuning? tuning = null)
    {
        tuning ??= AuditTuning.None;
        var errors = new List<RuleLoadError>(pack.Errors);
        var failed = new HashSet<string>(pack.FailedFiles, StringComparer.Ordinal);

        // Lists, with tuning.
        var lists = pack.Lists.ToDictionary(l => l.Name, l => (IReadOnlyList<string>)l.Items, StringComparer.Ordinal);
        foreach (var t in tuning.Lists)
        {
            if (!lists.TryGetValue(t.Name, out var items))
            {
                errors.Add(new RuleLoadError(t.File, t.At.Line, t.At.Column, $"unknown list '{t.Name}' in audit.lists (see `bulwark audit rules list`)"));
                continue;
            }

            lists[t.Name] = t.Replace ? t.Items : [.. items, .. t.Items];
        }

        // As in Falco, a list item naming another list stands for that list's items.
        lists = ExpandNestedLists(lists, pack.Lists, errors);

        // Macros, with replacements.
        var macros = new Dictionary<string, MacroEntry>(StringComparer.Ordinal);
        foreach (var m in pack.Macros)
        {
            macros[m.Name] = new MacroEntry(m.Name, m.Condition);
        }

        foreach (var t in tuning.Macros)
        {
            if (!macros.ContainsKey(t.Name))
            {
                errors.Add(new RuleLoadError(t.File, t.At.Line, t.At.Column, $"unknown macro '{t.Name}' in audit.macros"));
                continue;
            }

            macros[t.Name] = new MacroEntry(t.Name, t.Condition);
        }

        var fields = new FieldTable();
        var macroFiles = pack.Macros.ToDictionary(m => m.Name, m => m.File, StringComparer.Ordinal);
        var compiler = new ConditionCompiler(fields, lists, macros, (macro, e) =>
        {
            errors.Add(ToError(e, $"macro '{macro.Name}': "));
            if (macro.Text.Path == macroFiles.GetValueOrDefault(macro.Name))
            {
                failed.Add(macro.Text.Path);
            }
        });
        foreach (var macro in macros.Values)
        {
            compiler.CompileMacro(macro);
        }

        // Rules.
        var compiled = new List<(RuleDefinition Definition, CompiledRule? Rule)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var def in pack.Rules)
        {
            ids.Add(def.Id);
            if (failed.Contains(def.File))
            {
                continue;
            }

            try
            {
                compiled.Add((def, CompileRule(def, compiler, fields, tuning, compiled.Count)));
            }
            catch (ConditionCompileException e)
            {
                errors.Add(ToError(e, $"rule '{def.Id}': "));
                failed.Add(def.File);
            }
            catch (RuleCheckException e)
            {
                errors.Add(e.Error);
                failed.Add(def.File);
            }
        }

        foreach (var s in tuning.Enable.Concat(tuning.Disable))
        {
            if (!ids.Contains(s.Rule))
            {
                errors.Add(new RuleLoadError(s.File, s.At.Line, s.At.Column, $"unknown audit rule '{s.Rule}' (see `bulwark audit rules list`)"));
            }
        }

        // A file with an error loses all its rules, also those compiled before the error was found.
        var rules = compiled.Where(c => c.Rule is not null && !failed.Contains(c.Definition.File)).Select(c => c.Rule!).ToList();
        var renumbered = rules.Select((r, i) => new CompiledRule(r.Definition, r.Condition, r.Exceptions, r.Output, r.AggregateBy, r.Distinct, r.Enabled, i, r.Stages)).ToList();
        return new CompiledPack(renumbered, errors, fields, lists, pack);
    }

    private static CompiledRule CompileRule(RuleDefinition def, ConditionCompiler compiler, FieldTable fields, AuditTuning tuning, int index)
    {
        var condition = compiler.Compile(def.Condition);
        var exceptions = def.Exceptions.Select(x => new CompiledException(x.Name, compiler.Compile(x.Condition))).ToList();
        var output = OutputTemplate.Parse(def.Output, fields);

        var needed = exceptions.Select(x => x.Condition.Facts.Level).Append(condition.Facts.Level).Max();
        if (needed > def.Level)
        {
            throw new RuleCheckException(new RuleLoadError(def.File, def.Condition.Start.Line, def.Condition.Start.Column,
                $"rule '{def.Id}': the condition reads fields that events only carry at the {needed} level (request or response bodies), but the rule declares level: {def.Level}; set level: {needed}"));
        }

        IReadOnlySet<string>? stages = def.AnyStages ? condition.Facts.Stages : Intersect(def.Stages, condition.Facts.Stages);
        if (stages is { Count: 0 })
        {
            throw new RuleCheckException(new RuleLoadError(def.File, def.Condition.Start.Line, def.Condition.Start.Column,
                $"rule '{def.Id}': the condition only matches stages the rule does not look at (stages: [{string.Join(", ", def.Stages)}]); the rule could never fire"));
        }

        var by = new List<FieldRef>();
        FieldRef? distinct = null;
        if (def.Aggregate is { } agg)
        {
            FieldRef Resolve(string name)
            {
                var (field, argument) = SplitField(name);
                var spec = FieldRegistry.Find(field) ?? throw Check(def, agg, $"unknown field '{name}' in aggregate");
                var r = fields.Get(spec, argument, out var error) ?? throw Check(def, agg, error!);
                return r.Level > def.Level
                    ? throw Check(def, agg, $"aggregate field '{name}' needs the {r.Level} level, but the rule declares level: {def.Level}")
                    : r;
            }

            by.AddRange(agg.By.Select(Resolve));
            distinct = agg.Distinct is { } d ? Resolve(d) : null;
        }

        var enabled = def.Enabled;
        if (tuning.Enable.Any(s => s.Rule == def.Id))
        {
            enabled = true;
        }

        if (tuning.Disable.Any(s => s.Rule == def.Id))
        {
            enabled = false;
        }

        return new CompiledRule(def, condition, exceptions, output, by, distinct, enabled, index, stages);
    }

    private static Dictionary<string, IReadOnlyList<string>> ExpandNestedLists(Dictionary<string, IReadOnlyList<string>> lists, IReadOnlyList<ListDefinition> definitions, List<RuleLoadError> errors)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        IReadOnlyList<string> Expand(string name)
        {
            if (result.TryGetValue(name, out var done))
            {
                return done;
            }

            if (!visiting.Add(name))
            {
                var def = definitions.FirstOrDefault(d => d.Name == name);
                errors.Add(new RuleLoadError(def?.File ?? "<lists>", def?.Line ?? 0, 1, $"list '{name}' includes itself through other lists"));
                return [];
            }

            var items = new List<string>();
            foreach (var item in lists[name])
            {
                if (item != name && lists.ContainsKey(item))
                {
                    items.AddRange(Expand(item));
                }
                else
                {
                    items.Add(item);
                }
            }

            visiting.Remove(name);
            result[name] = items;
            return items;
        }

        foreach (var name in lists.Keys)
        {
            Expand(name);
        }

        return result;
    }

    private static RuleCheckException Check(RuleDefinition def, AggregateSpec agg, string message) =>
        new(new RuleLoadError(def.File, agg.Position.Line, agg.Position.Column, $"rule '{def.Id}': {message}"));

    private static (string Field, string? Argument) SplitField(string text)
    {
        var open = text.IndexOf('[');
        return open > 0 && text.EndsWith(']') ? (text[..open], text[(open + 1)..^1]) : (text, null);
    }

    private static IReadOnlySet<string> Intersect(IReadOnlyList<string> declared, IReadOnlySet<string>? fromCondition)
    {
        var set = new HashSet<string>(declared, StringComparer.Ordinal);
        if (fromCondition is not null)
        {
            set.IntersectWith(fromCondition);
        }

        return set;
    }

    private static RuleLoadError ToError(ConditionCompileException e, string prefix)
    {
        var at = e.Text.PositionOf(e.Offset);
        return new RuleLoadError(e.Text.Path, at.Line, at.Column, prefix + e.Message);
    }

    private sealed class RuleCheckException(RuleLoadError error) : Exception(error.Message)
    {
        public RuleLoadError Error { get; } = error;
    }
}
