using System.CommandLine;
using Bulwark.Rbac;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark rbac can-i VERB RESOURCE[/SUB] --as SUBJECT`: whether RBAC allows a request, and every grant (binding,
/// role, rule) that allows it. Exit 0 allowed, 1 denied, 2 usage or input error.
/// </summary>
public sealed class RbacCanICommand : Command
{
    private readonly RbacRequestOptions _request = new();
    private readonly RbacCommonOptions _common = new();

    public RbacCanICommand(CliIO io)
        : base("can-i", "Check whether a subject may perform a request, and show the bindings, roles and rules that allow it.")
    {
        _request.AddArguments(this);
        _request.AddOptions(this);
        Options.Add(Namespace);
        Options.Add(As);
        Options.Add(AsGroup);
        _common.AddTo(this);
        SetAction(parse => Execute(io, parse));
    }

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The request's namespace (default: a cluster-wide request, which only ClusterRoleBindings can allow)." };

    public Option<string> As { get; } = new("--as")
    {
        Description = $"Who asks: {RbacSupport.SubjectSyntax}. Users get system:authenticated (system:anonymous gets system:unauthenticated); service accounts get their three groups.",
        Required = true,
    };

    public Option<string[]> AsGroup { get; } = new("--as-group") { Description = "An extra group of the subject (repeatable; system:masters bypasses RBAC).", AllowMultipleArgumentsPerToken = false };

    private int Execute(CliIO io, ParseResult parse)
    {
        if (RbacSupport.ParseSubject(io, parse.GetValue(As), parse.GetValue(AsGroup) ?? []) is not { } user ||
            _request.Parse(io, parse, parse.GetValue(Namespace)) is not { } asked ||
            RbacSupport.Load(io, parse, _common) is not { } loaded)
        {
            return ExitCodes.UsageOrInputError;
        }

        var (model, inputErrors) = loaded;
        var notes = new List<string>();
        var request = KnownResources.AsSent(asked, notes);
        var decision = model.CanI(request, user);
        if (_common.Json(parse))
        {
            using var stream = new MemoryStream();
            using (var w = RbacSupport.JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteBoolean("allowed", decision.Allowed);
                RbacSupport.WriteRequest(w, request);
                RbacSupport.WriteUser(w, user);
                if (decision.PrivilegedGroup is { } group)
                {
                    w.WriteString("privilegedGroup", group);
                }

                RbacSupport.WriteGrants(w, decision.Grants, withSubject: true);
                RbacSupport.WriteNotes(w, notes);
                w.WriteEndObject();
            }

            RbacSupport.Flush(io, stream);
        }
        else
        {
            io.Out.WriteLine(decision.Allowed ? "yes" : "no");
            foreach (var note in notes)
            {
                io.Out.WriteLine($"  note: {note}");
            }

            io.Out.WriteLine($"  request: {request}");
            io.Out.WriteLine($"  as: {user}");
            if (decision.PrivilegedGroup is { } group)
            {
                io.Out.WriteLine($"  allowed because the subject is in {group}, which bypasses RBAC");
            }

            foreach (var grant in decision.Grants)
            {
                io.Out.WriteLine($"  {RbacSupport.Explain(grant)}");
            }

            if (!decision.Allowed)
            {
                io.Out.WriteLine("  no binding of the subject grants a matching rule (RBAC has no deny rules: this is \"no opinion\", denied unless another authorizer allows)");
            }
        }

        return inputErrors ? ExitCodes.UsageOrInputError : decision.Allowed ? ExitCodes.Success : ExitCodes.Findings;
    }
}
