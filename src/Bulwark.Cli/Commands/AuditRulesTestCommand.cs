using System.CommandLine;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Rules;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark audit rules test DIR`: runs every rule of DIR that has fixtures (&lt;name&gt;.match.jsonl,
/// &lt;name&gt;.nomatch.jsonl beside &lt;name&gt;.yaml) with the built-in lists and macros available, and reports each
/// failing event by file and line.
/// </summary>
public sealed class AuditRulesTestCommand : Command
{
    public AuditRulesTestCommand(CliIO io)
        : base("test", "Test the rules of a folder against their fixtures (<name>.match.jsonl and <name>.nomatch.jsonl beside <name>.yaml).")
    {
        Arguments.Add(Folder);
        Options.Add(NoBuiltIn);
        Options.Add(RequireFixtures);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string> Folder { get; } = new("folder")
    {
        Description = "The rules folder to test.",
    };

    public Option<bool> NoBuiltIn { get; } = new("--no-builtin")
    {
        Description = "Do not load the built-in pack's lists, macros and rules (for a folder that is a complete pack, such as the built-in pack's sources).",
    };

    public Option<bool> RequireFixtures { get; } = new("--require-fixtures")
    {
        Description = "Fail a rule that lacks either fixture file (the project's own test does this for the built-in pack).",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var folder = parse.GetValue(Folder)!;
        if (!Directory.Exists(folder))
        {
            io.Error.WriteLine($"bulwark: {folder}: no such folder");
            return ExitCodes.UsageOrInputError;
        }

        var own = RulePack.LoadFolder(folder);
        var standalone = parse.GetValue(NoBuiltIn);
        var builtInIds = RulePack.BuiltIn.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        if (!standalone && own.Rules.Count > 0 && own.Rules.All(r => builtInIds.Contains(r.Id)))
        {
            // The folder is the built-in pack's sources (or a copy): test it on its own rather than against itself.
            io.Out.WriteLine($"note: {folder} defines the built-in rules; testing it on its own (as with --no-builtin)");
            standalone = true;
        }

        var pack = standalone ? own : RulePack.BuiltIn.With(own);
        var compiled = CompiledPack.Compile(pack);
        foreach (var error in compiled.Errors)
        {
            io.Error.WriteLine($"bulwark: error: {error}");
        }

        var ownFiles = own.Files.ToHashSet(StringComparer.Ordinal);
        var rules = compiled.Rules.Where(r => ownFiles.Contains(r.Definition.File)).ToList();
        if (own.Rules.Count == 0)
        {
            io.Error.WriteLine($"bulwark: {folder}: no rules found");
            return ExitCodes.UsageOrInputError;
        }

        var require = parse.GetValue(RequireFixtures);
        int passed = 0, failed = 0, untested = 0;
        foreach (var rule in rules)
        {
            if (!require && !RuleFixtures.HasFixtures(rule.Definition))
            {
                io.Out.WriteLine($"SKIP {rule.Id} (no fixtures beside {rule.Definition.File})");
                untested++;
                continue;
            }

            var result = RuleFixtures.Run(compiled, rule, require);
            if (result.Passed)
            {
                io.Out.WriteLine($"PASS {rule.Id} ({result.MatchEvents} match, {result.NoMatchEvents} nomatch events)");
                passed++;
                continue;
            }

            failed++;
            io.Out.WriteLine($"FAIL {rule.Id}");
            foreach (var f in result.Failures)
            {
                io.Out.WriteLine($"  {f}");
            }
        }

        // Rules of the folder that did not compile count as failures too.
        var broken = own.Rules.Count(r => rules.All(c => c.Id != r.Id));
        io.Out.WriteLine($"{passed} passed, {failed + broken} failed, {untested} without fixtures");
        if (compiled.Errors.Count > 0)
        {
            return ExitCodes.UsageOrInputError;
        }

        return failed > 0 ? ExitCodes.Findings : ExitCodes.Success;
    }
}
