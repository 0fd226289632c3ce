using System.CommandLine;
using Bulwark.Audit.Detection.Engine;
using Bulwark.Audit.Detection.Rules;
using Bulwark.Config;
using Bulwark.Rules;

namespace Bulwark.Cli.Commands;

/// <summary>Options and loading shared by the `bulwark audit` commands.</summary>
internal sealed class AuditRuleOptions
{
    public Option<string[]> Rules { get; } = new("--rules")
    {
        Description = "A folder of your own detection rules, lists and macros (same format as the built-in pack; repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "Configuration file with an audit: section (default: .bulwark.yaml found upward from the current folder).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Rules);
        command.Options.Add(Config);
    }
}

internal static class AuditSupport
{
    /// <summary>
    /// The built-in pack plus --rules folders, compiled with the config's audit tuning. Rule and tuning errors are
    /// printed (the rules that compiled are still usable); null after a one-line error when the config is unusable.
    /// </summary>
    public static (CompiledPack Pack, bool HasErrors)? Load(CliIO io, ParseResult parse, AuditRuleOptions options, bool includeBuiltIn = true,
        IReadOnlyList<string>? inputs = null)
    {
        var tuning = LoadTuning(io, parse.GetValue(options.Config), inputs ?? []);
        if (tuning is null)
        {
            return null;
        }

        var folders = parse.GetValue(options.Rules) ?? [];
        foreach (var folder in folders.Where(f => !Directory.Exists(f)))
        {
            io.Error.WriteLine($"bulwark: --rules {folder}: no such folder");
            return null;
        }

        var compiled = CompiledPack.Load(folders, tuning, includeBuiltIn);
        foreach (var error in compiled.Errors)
        {
            io.Error.WriteLine($"bulwark: error: {error}");
        }

        return (compiled, compiled.Errors.Count > 0);
    }

    /// <summary>
    /// The audit tuning of --config, or of the .bulwark.yaml found upward from the first input (else the current
    /// folder), as scan finds it; null after an error message.
    /// </summary>
    public static AuditTuning? LoadTuning(CliIO io, string? explicitPath, IReadOnlyList<string> inputs)
    {
        try
        {
            if (explicitPath is not null && !File.Exists(explicitPath))
            {
                io.Error.WriteLine($"bulwark: {explicitPath}: config file not found");
                return null;
            }

            var path = explicitPath ?? ConfigLoader.Discover(inputs);
            return path is null ? AuditTuning.None : ConfigLoader.Load(path, RuleCatalog.BuiltIn).Audit;
        }
        catch (ConfigException e)
        {
            io.Error.WriteLine($"bulwark: invalid config: {e.Message}");
            return null;
        }
    }

    public static string Stages(CompiledRule rule) =>
        rule.Definition.AnyStages ? "any" : string.Join(",", rule.Definition.Stages);
}
