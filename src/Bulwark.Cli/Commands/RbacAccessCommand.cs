using System.CommandLine;
using System.Text.Json;
using Bulwark.Rbac;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac access --as SUBJECT [-n NS]`: the rakkess-style resources × verbs matrix of one subject; with
/// `--resources RESOURCE`, the transposed view: subjects × verbs for one resource.
/// </summary>
public sealed class RbacAccessCommand : Command
{
    private readonly RbacCommonOptions _common = new();

    public RbacAccessCommand(CliIO io)
        : base("access", "Show an access matrix: resources × verbs for one subject (--as), or subjects × verbs for one resource (--resources).")
    {
        Options.Add(As);
        Options.Add(AsGroup);
        Options.Add(Namespace);
        Options.Add(Resources);
        Options.Add(ApiGroup);
        Options.Add(Verbs);
        _common.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string?> As { get; } = new("--as") { Description = $"The subject of the matrix: {RbacSupport.SubjectSyntax}." };

    public Option<string[]> AsGroup { get; } = new("--as-group") { Description = "An extra group of the subject (repeatable)." };

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The namespace (default: cluster-wide, where only ClusterRoleBindings count and cluster-scoped resources are listed too)." };

    public Option<string?> Resources { get; } = new("--resources") { Description = "Transposed view: the subjects × verbs of this resource (resource[/subresource], or resource.group)." };

    public Option<string?> ApiGroup { get; } = new("--api-group") { Description = "The API group of --resources (default: the core group \"\")." };

    public Option<string[]> Verbs { get; } = new("--verbs")
    {
        Description = "The verb columns (default: get list watch create update patch delete deletecollection).",
        AllowMultipleArgumentsPerToken = true,
    };

    private int Execute(CliIO io, ParseResult parse)
    {
        var asText = parse.GetValue(As);
        var resourceText = parse.GetValue(Resources);
        if ((asText is null) == (resourceText is null))
        {
            io.Error.WriteLine("bulwark: give exactly one of --as SUBJECT (resources × verbs) or --resources RESOURCE (subjects × verbs)");
            return ExitCodes.UsageOrInputError;
        }

        var verbs = parse.GetValue(Verbs) is { Length: > 0 } v ? v : KnownResources.MatrixVerbs.ToArray();
        var ns = parse.GetValue(Namespace) ?? string.Empty;
        UserInfo? user = null;
        RequestAttributes? template = null;
        if (asText is not null)
        {
            user = RbacSupport.ParseSubject(io, asText, parse.GetValue(AsGroup) ?? []);
            if (user is null)
            {
                return ExitCodes.UsageOrInputError;
            }
        }
        else
        {
            template = RbacSupport.ParseRequest(io, verbs[0], resourceText, parse.GetValue(ApiGroup), null, ns.Length == 0 ? null : ns, null);
            if (template is null)
            {
                return ExitCodes.UsageOrInputError;
            }
        }

        if (RbacSupport.Load(io, parse, _common) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        var (model, inputErrors) = loaded;
        var notes = new List<string>();
        IReadOnlyList<AccessRow> rows;
        string title;
        if (user is not null)
        {
            rows = AccessMatrix.ForSubject(model, user, ns, verbs);
            title = $"access of {user} {(ns.Length == 0 ? "cluster-wide (ClusterRoleBindings only)" : $"in namespace \"{ns}\"")}";
            if (user.Groups.Contains(UserInfo.Masters))
            {
                notes.Add("the subject is in system:masters, which bypasses RBAC: everything is allowed");
            }
        }
        else
        {
            var request = KnownResources.AsSent(template!, notes);
            rows = AccessMatrix.ForResource(model, request, allNamespaces: false, verbs);
            title = $"subjects with access to {request.CombinedResource}{(request.ApiGroup.Length == 0 ? string.Empty : "." + request.ApiGroup)} {(request.Namespace.Length == 0 ? "cluster-wide (ClusterRoleBindings only)" : $"in namespace \"{request.Namespace}\"")}";
            notes.Add("Group system:masters is not listed: its members bypass RBAC and can do everything");
        }

        if (_common.Json(parse))
        {
            WriteJson(io, user, template, ns, verbs, rows, notes);
        }
        else
        {
            io.Out.WriteLine(title + ":");
            var console = Rendering.ConsoleFactory.Create(io.Out);
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn(user is not null ? "Resource" : "Subject");
            foreach (var verb in verbs)
            {
                table.AddColumn(new TableColumn(Markup.Escape(verb)).Centered());
            }

            foreach (var row in rows)
            {
                table.AddRow(new[] { Markup.Escape(row.Label) }.Concat(verbs.Select(verb => row.Verbs[verb] ? "[green]yes[/]" : "[grey]no[/]")).ToArray());
            }

            if (rows.Count > 0)
            {
                console.Write(table);
            }
            else
            {
                io.Out.WriteLine("nobody (no binding grants any of these verbs)");
            }

            foreach (var note in notes)
            {
                io.Out.WriteLine($"note: {note}");
            }
        }

        return inputErrors ? ExitCodes.UsageOrInputError : ExitCodes.Success;
    }

    private static void WriteJson(CliIO io, UserInfo? user, RequestAttributes? template, string ns, IReadOnlyList<string> verbs, IReadOnlyList<AccessRow> rows, List<string> notes)
    {
        using var stream = new MemoryStream();
        using (var w = RbacSupport.JsonWriter(stream))
        {
            w.WriteStartObject();
            if (user is not null)
            {
                RbacSupport.WriteUser(w, user);
            }
            else
            {
                w.WriteString("resource", template!.CombinedResource);
                w.WriteString("apiGroup", template.ApiGroup);
            }

            w.WriteString("namespace", ns);
            RbacSupport.WriteStrings(w, "verbs", verbs);
            w.WriteStartArray("rows");
            foreach (var row in rows)
            {
                w.WriteStartObject();
                w.WriteString(user is not null ? "resource" : "subject", row.Label);
                WriteCells(w, verbs, row);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            RbacSupport.WriteNotes(w, notes);
            w.WriteEndObject();
        }

        RbacSupport.Flush(io, stream);
    }

    private static void WriteCells(Utf8JsonWriter w, IReadOnlyList<string> verbs, AccessRow row)
    {
        w.WriteStartObject("verbs");
        foreach (var verb in verbs)
        {
            w.WriteBoolean(verb, row.Verbs[verb]);
        }

        w.WriteEndObject();
    }
}
