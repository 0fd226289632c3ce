using System.CommandLine;
using Bulwark.Rbac;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac who-can VERB RESOURCE[/SUB]`: the subjects of every binding whose role allows the request, as
/// upstream's subject locator returns them, with system:masters reported apart.
/// </summary>
public sealed class RbacWhoCanCommand : Command
{
    private readonly RbacRequestOptions _request = new();
    private readonly RbacCommonOptions _common = new();

    public RbacWhoCanCommand(CliIO io)
        : base("who-can", "List the subjects allowed to perform a request, with the bindings, roles and rules that allow it.")
    {
        _request.AddArguments(this);
        _request.AddOptions(this);
        Options.Add(Namespace);
        Options.Add(AllNamespaces);
        _common.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The namespace: ClusterRoleBindings plus the RoleBindings of this namespace (default: cluster-wide, ClusterRoleBindings only)." };

    public Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A") { Description = "Also count RoleBindings of every namespace (a tool-level union; each grant names its namespace)." };

    private int Execute(CliIO io, ParseResult parse)
    {
        var all = parse.GetValue(AllNamespaces);
        if (all && parse.GetValue(Namespace) is not null)
        {
            io.Error.WriteLine("bulwark: give either --namespace or --all-namespaces, not both");
            return ExitCodes.UsageOrInputError;
        }

        if (_request.Parse(io, parse, parse.GetValue(Namespace)) is not { } asked ||
            RbacSupport.Load(io, parse, _common) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        var (model, inputErrors) = loaded;
        var notes = new List<string>();
        var request = KnownResources.AsSent(asked, notes);
        var result = model.WhoCan(request, all);
        if (_common.Json(parse))
        {
            using var stream = new MemoryStream();
            using (var w = RbacSupport.JsonWriter(stream))
            {
                w.WriteStartObject();
                RbacSupport.WriteRequest(w, request);
                w.WriteBoolean("allNamespaces", all);
                w.WriteStartArray("subjects");
                foreach (var s in result.Subjects)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", s.Kind);
                    w.WriteString("name", s.Name);
                    RbacSupport.WriteOptional(w, "namespace", s.Namespace);
                    RbacSupport.WriteGrants(w, s.Grants, withSubject: false);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("implicitSubjects");
                foreach (var s in result.ImplicitSubjects)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", s.Kind);
                    w.WriteString("name", s.Name);
                    w.WriteString("reason", s.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                RbacSupport.WriteNotes(w, notes);
                w.WriteEndObject();
            }

            RbacSupport.Flush(io, stream);
        }
        else
        {
            foreach (var note in notes)
            {
                io.Out.WriteLine($"note: {note}");
            }

            io.Out.WriteLine($"who can {request}{(all ? " (RoleBindings of every namespace included)" : string.Empty)}:");
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("Subject", "Namespace", "Binding", "Role", "Rule");
            foreach (var s in result.Subjects)
            {
                foreach (var g in s.Grants)
                {
                    table.AddRow(Markup.Escape($"{s.Kind} {s.Name}"), Markup.Escape(s.Namespace ?? "-"), Markup.Escape(g.Binding.ToString()),
                        Markup.Escape(g.Role.Key.ToString()), Markup.Escape(g.Rule.ToString()));
                }
            }

            if (result.Subjects.Count > 0)
            {
                console.Write(table);
            }
            else
            {
                io.Out.WriteLine("no binding grants it");
            }

            foreach (var s in result.ImplicitSubjects)
            {
                io.Out.WriteLine($"also: {s.Kind} {s.Name}: {s.Reason}");
            }
        }

        return inputErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }
}
