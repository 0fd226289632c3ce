using System.CommandLine;
using Bulwark.Audit;
using Bulwark.Rbac.Generate;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac generate --from-audit FILE... --subject user:NAME|serviceaccount:NS:NAME`: the least-privilege Roles,
/// ClusterRole and bindings that allow what the subject did in audit logs. Unreadable lines are reported on stderr
/// (file:line) and skipped; the exit code is 2 only when an input file cannot be read at all or the options are wrong.
/// </summary>
public sealed class RbacGenerateCommand : Command
{
    public RbacGenerateCommand(CliIO io)
        : base("generate", "Generate the least-privilege Roles, ClusterRole and bindings that allow exactly what a subject did in audit logs.")
    {
        Options.Add(FromAudit);
        Options.Add(Subject);
        Options.Add(NamespaceScoped);
        Options.Add(MaxNames);
        Options.Add(AllowedOnly);
        Options.Add(IncludeDefaultGrants);
        Options.Add(RoleName);
        Output.AcceptOnlyFromAmong("yaml", "json");
        Options.Add(Output);
        Options.Add(OutputFile);
        SetAction(parse => Execute(io, parse));
    }

    /// <summary>The subcommand, for registration under the `rbac` group.</summary>
    public static RbacGenerateCommand Create(CliIO io) => new(io);

    public Option<string[]> FromAudit { get; } = new("--from-audit")
    {
        Description = "Audit log files: JSON lines of audit.k8s.io/v1 or v1beta1 Events, EventLists or arrays of them, plain or gzip.",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string> Subject { get; } = new("--subject")
    {
        Description = "The identity to generate for: user:NAME or serviceaccount:NAMESPACE:NAME.",
        Required = true,
    };

    public Option<bool> NamespaceScoped { get; } = new("--namespace-scoped")
    {
        Description = "Generate only Roles and RoleBindings; cluster-scoped requests and non-resource URLs are listed as skipped.",
    };

    public Option<int> MaxNames { get; } = new("--max-names")
    {
        Description = $"Keep resourceNames for a verb when it used at most this many names (default {GenerateOptions.DefaultMaxResourceNames}; 0 never keeps names).",
        DefaultValueFactory = _ => GenerateOptions.DefaultMaxResourceNames,
    };

    public Option<bool> AllowedOnly { get; } = new("--allowed-only")
    {
        Description = "Leave out requests the authorizer denied (by default they are included and marked).",
    };

    public Option<bool> IncludeDefaultGrants { get; } = new("--include-default-grants")
    {
        Description = "Also grant what the default roles allow every authenticated user (discovery, health and version URLs, self reviews).",
    };

    public Option<string?> RoleName { get; } = new("--name")
    {
        Description = "Name of the generated roles and bindings (default bulwark:NAME, or bulwark:NAMESPACE:NAME for a service account).",
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: yaml (manifests with comments) or json (a report with the objects under items).",
        DefaultValueFactory = _ => "yaml",
    };

    public Option<string?> OutputFile { get; } = new("--output-file")
    {
        Description = "Write to this file instead of stdout (the file is replaced).",
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        if (!AuditSubject.TryParse(parse.GetValue(Subject) ?? string.Empty, out var subject, out var error))
        {
            io.Error.WriteLine($"bulwark: {error}");
            return ExitCodes.UsageOrInputError;
        }

        var maxNames = parse.GetValue(MaxNames);
        if (maxNames < 0)
        {
            io.Error.WriteLine("bulwark: --max-names must be 0 or more");
            return ExitCodes.UsageOrInputError;
        }

        var name = parse.GetValue(RoleName);
        if (name is not null && (name.Length == 0 || name.Contains('/') || name.Contains('%') || name is "." or ".."))
        {
            io.Error.WriteLine($"bulwark: invalid --name \"{name}\": a role name cannot be empty, '.' or '..', nor contain '/' or '%'");
            return ExitCodes.UsageOrInputError;
        }

        var generator = new PolicyGenerator(subject, new GenerateOptions
        {
            NamespaceScoped = parse.GetValue(NamespaceScoped),
            MaxResourceNames = maxNames,
            AllowedOnly = parse.GetValue(AllowedOnly),
            IncludeDefaultGrants = parse.GetValue(IncludeDefaultGrants),
            Name = name,
        });

        var files = parse.GetValue(FromAudit) ?? [];
        var unreadable = false;
        var malformed = 0;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                io.Error.WriteLine($"bulwark: {file}: no such file");
                unreadable = true;
                continue;
            }

            foreach (var entry in AuditEventReader.ReadFile(file))
            {
                if (entry.Event is { } e)
                {
                    generator.Add(e);
                }
                else if (entry.Error is { } readError)
                {
                    unreadable |= readError.Line == 0;
                    malformed++;
                    if (malformed <= 20)
                    {
                        io.Error.WriteLine($"bulwark: {readError}");
                    }
                }
            }
        }

        if (malformed > 20)
        {
            io.Error.WriteLine($"bulwark: {malformed - 20} more unreadable parts of the audit logs not shown");
        }

        if (unreadable)
        {
            return ExitCodes.UsageOrInputError;
        }

        var policy = generator.Build();
        if (policy.Counts.Requests == 0)
        {
            io.Error.WriteLine($"bulwark: no request of {subject.Describe()} (user {subject.Username}) in the audit logs");
        }

        var text = parse.GetValue(Output) == "json" ? PolicyWriter.ToJson(policy, files) : PolicyWriter.ToYaml(policy, files);
        if (parse.GetValue(OutputFile) is { } outputFile)
        {
            try
            {
                File.WriteAllText(outputFile, text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                io.Error.WriteLine($"bulwark: cannot write {outputFile}: {e.Message}");
                return ExitCodes.UsageOrInputError;
            }
        }
        else
        {
            io.Out.Write(text);
        }

        return ExitCodes.Success;
    }
}
