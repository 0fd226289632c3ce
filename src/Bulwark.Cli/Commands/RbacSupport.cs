using System.CommandLine;
using System.Text.Json;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Rbac;

namespace Bulwark.Cli.Commands;

/// <summary>The options every `bulwark rbac` subcommand shares (inputs, output format, default roles).</summary>
internal sealed class RbacCommonOptions
{
    public Option<string[]> Files { get; } = new("--filename", "-f")
    {
        Description = "Files or folders of manifests (folders recursively: *.yaml, *.yml, *.json); '-' reads stdin. Repeatable. Default: the current folder.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table or json.",
        DefaultValueFactory = _ => "table",
    };

    public Option<bool> NoDefaultRoles { get; } = new("--no-default-roles")
    {
        Description = "Do not add Kubernetes' default ClusterRoles (cluster-admin, admin, edit, view, system:*) that the input omits.",
    };

    public Option<string> KubernetesVersion { get; } = CreateKubernetesVersionOption();

    public void AddTo(Command command) => AddTo(command, "table", "json");

    /// <summary>Adds the options, with the output formats the command writes (the first is the default).</summary>
    public void AddTo(Command command, params string[] formats)
    {
        command.Options.Add(Files);
        Output.AcceptOnlyFromAmong(formats);
        Output.DefaultValueFactory = _ => formats[0];
        Output.Description = $"Output format: {string.Join(", ", formats)}.";
        command.Options.Add(Output);
        command.Options.Add(NoDefaultRoles);
        command.Options.Add(KubernetesVersion);
    }

    /// <summary>--kubernetes-version, shared with commands that do not take every common option.</summary>
    public static Option<string> CreateKubernetesVersionOption() => new("--kubernetes-version")
    {
        Description = $"The Kubernetes minor version whose default ClusterRoles are added (for example 1.28; {DefaultRoles.OldestVersion} or later). Default: the newest Bulwark knows.",
    };

    public bool Json(ParseResult parse) => parse.GetValue(Output) == "json";
}


/// <summary>
/// The request a can-i or who-can question is about: VERB RESOURCE[/SUBRESOURCE], --api-group, --name, or
/// --non-resource-url instead of a resource. The namespace option stays with each command (its meaning differs).
/// </summary>
internal sealed class RbacRequestOptions
{
    public Argument<string> Verb { get; } = new("verb") { Description = "The verb, case-sensitive: get, list, watch, create, update, patch, delete, deletecollection, or a special verb (bind, escalate, impersonate, use, approve...)." };

    public Argument<string?> Resource { get; } = new("resource")
    {
        Description = "The resource as the API names it (plural, lower-case), optionally /subresource: pods, pods/exec, deployments.apps. Omit with --non-resource-url.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<string?> ApiGroup { get; } = new("--api-group") { Description = "The API group (default: the core group \"\")." };

    public Option<string?> ObjectName { get; } = new("--name") { Description = "The object's name (rules restricted by resourceNames count only when it is listed)." };

    public Option<string?> NonResourceUrl { get; } = new("--non-resource-url") { Description = "Ask about a non-resource path (/healthz, /metrics, /apis/...) instead of a resource." };

    public void AddArguments(Command command)
    {
        command.Arguments.Add(Verb);
        command.Arguments.Add(Resource);
    }

    public void AddOptions(Command command)
    {
        command.Options.Add(ApiGroup);
        command.Options.Add(ObjectName);
        command.Options.Add(NonResourceUrl);
    }

    /// <summary>The request in <paramref name="namespace"/>; null after printing a one-line error.</summary>
    public RequestAttributes? Parse(CliIO io, ParseResult parse, string? @namespace) =>
        RbacSupport.ParseRequest(io, parse.GetValue(Verb)!, parse.GetValue(Resource), parse.GetValue(ApiGroup), parse.GetValue(ObjectName),
            @namespace, parse.GetValue(NonResourceUrl));
}

/// <summary>Loading, parsing and JSON helpers shared by the `bulwark rbac` subcommands.</summary>
internal static class RbacSupport
{
    public const string SubjectSyntax = "user:NAME, group:NAME or serviceaccount:NAMESPACE:NAME";

    /// <summary>Loads the manifests and builds the model; null (after a one-line error) on a usage error. Input errors are printed.</summary>
    public static (RbacModel Model, bool HasInputErrors)? Load(CliIO io, ParseResult parse, RbacCommonOptions common)
    {
        var paths = parse.GetValue(common.Files) is { Length: > 0 } p ? p : ["."];
        if (paths.Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return null;
        }

        var load = new ManifestLoader { StdinProvider = io.Stdin }.Load(paths);
        foreach (var error in load.Errors)
        {
            io.Error.WriteLine($"bulwark: {(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        if (BuildModel(io, load.Objects, parse.GetValue(common.NoDefaultRoles), parse.GetValue(common.KubernetesVersion)) is not { } model)
        {
            return null;
        }

        foreach (var problem in model.Problems)
        {
            var where = problem.Object is { } obj ? $"{obj.Origin.File.Path}:{(obj.Root.Find(problem.Pointer, out _)).Start.Line}: " : string.Empty;
            io.Error.WriteLine($"bulwark: warning: {where}{problem.Id}: {problem.Message}");
        }

        return (model, load.Errors.Any(e => e.Level == InputErrorLevel.Error));
    }

    /// <summary>Builds the model with the default roles of --kubernetes-version; null after a one-line error when that version is not usable.</summary>
    public static RbacModel? BuildModel(CliIO io, IEnumerable<KubeObject> objects, bool noDefaultRoles, string? kubernetesVersion)
    {
        try
        {
            return RbacModel.Build(objects, new RbacModelOptions { IncludeDefaultRoles = !noDefaultRoles, KubernetesVersion = kubernetesVersion });
        }
        catch (ArgumentException e)
        {
            io.Error.WriteLine($"bulwark: --kubernetes-version: {e.Message.Split(" (Parameter")[0]}");
            return null;
        }
    }

    /// <summary>Parses --as (user:NAME, group:NAME, serviceaccount:NS:NAME) with extra groups; null after an error message.</summary>
    public static UserInfo? ParseSubject(CliIO io, string? text, IEnumerable<string> extraGroups)
    {
        var colon = text?.IndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            io.Error.WriteLine($"bulwark: --as must be {SubjectSyntax}, not '{text}'");
            return null;
        }

        var kind = text[..colon];
        var rest = text[(colon + 1)..];
        switch (kind)
        {
            case "user":
                return UserInfo.ForUser(rest, extraGroups);
            case "group":
                return UserInfo.ForGroup(rest, extraGroups);
            case "serviceaccount" or "sa":
                var sep = rest.IndexOf(':');
                if (sep <= 0 || sep == rest.Length - 1)
                {
                    io.Error.WriteLine($"bulwark: --as serviceaccount needs a namespace and a name (serviceaccount:NAMESPACE:NAME), not '{text}'");
                    return null;
                }

                return UserInfo.ForServiceAccount(rest[..sep], rest[(sep + 1)..], extraGroups);
            default:
                io.Error.WriteLine($"bulwark: --as must be {SubjectSyntax}, not '{text}'");
                return null;
        }
    }

    /// <summary>
    /// Builds the request from VERB RESOURCE[/SUB] (RESOURCE may be written resource.group when --api-group is absent)
    /// or --non-resource-url; null after an error message.
    /// </summary>
    public static RequestAttributes? ParseRequest(CliIO io, string verb, string? resource, string? group, string? name, string? @namespace, string? url)
    {
        if (url is not null)
        {
            if (resource is not null || group is not null || name is not null || @namespace is not null)
            {
                io.Error.WriteLine("bulwark: --non-resource-url takes no RESOURCE, --api-group, --name or namespace (non-resource requests are cluster-wide)");
                return null;
            }

            if (!url.StartsWith('/') && url != "*")
            {
                io.Error.WriteLine($"bulwark: --non-resource-url must be a path starting with '/', not '{url}'");
                return null;
            }

            return RequestAttributes.ForNonResource(verb, url);
        }

        if (string.IsNullOrEmpty(resource))
        {
            io.Error.WriteLine("bulwark: give a RESOURCE (for example pods or pods/log) or --non-resource-url");
            return null;
        }

        var (res, sub) = AccessMatrix.Split(resource);
        if (group is null && res.IndexOf('.') is var dot and > 0)
        {
            group = res[(dot + 1)..];
            res = res[..dot];
        }

        if (res.Length == 0 || sub.Contains('/'))
        {
            io.Error.WriteLine($"bulwark: RESOURCE must be resource or resource/subresource, not '{resource}'");
            return null;
        }

        return RequestAttributes.ForResource(verb, group ?? string.Empty, res, sub, name ?? string.Empty, @namespace ?? string.Empty);
    }

    public static Utf8JsonWriter JsonWriter(Stream stream) => PssSupport.JsonWriter(stream);

    public static void Flush(CliIO io, MemoryStream stream) => PssSupport.Flush(io, stream);

    public static void WriteRequest(Utf8JsonWriter w, RequestAttributes r)
    {
        w.WriteStartObject("request");
        w.WriteString("verb", r.Verb);
        if (r.IsResourceRequest)
        {
            w.WriteString("apiGroup", r.ApiGroup);
            w.WriteString("resource", r.Resource);
            w.WriteString("subresource", r.Subresource);
            w.WriteString("name", r.Name);
            w.WriteString("namespace", r.Namespace);
        }
        else
        {
            w.WriteString("nonResourceURL", r.Path);
        }

        w.WriteEndObject();
    }

    public static void WriteUser(Utf8JsonWriter w, UserInfo user)
    {
        w.WriteStartObject("user");
        if (user.Name is null)
        {
            w.WriteNull("name");
        }
        else
        {
            w.WriteString("name", user.Name);
        }

        WriteStrings(w, "groups", user.Groups.Order(StringComparer.Ordinal));
        w.WriteEndObject();
    }

    public static void WriteNotes(Utf8JsonWriter w, IEnumerable<string> notes) => WriteStrings(w, "notes", notes);

    public static void WriteGrants(Utf8JsonWriter w, IEnumerable<Grant> grants, bool withSubject)
    {
        w.WriteStartArray("grants");
        foreach (var g in grants)
        {
            w.WriteStartObject();
            w.WriteStartObject("binding");
            w.WriteString("kind", g.Binding.Kind);
            w.WriteString("name", g.Binding.Name);
            WriteOptional(w, "namespace", g.Binding.IsClusterRoleBinding ? null : g.Binding.Namespace);
            WriteLocation(w, g.Binding.Source);
            w.WriteEndObject();
            if (withSubject)
            {
                w.WriteStartObject("subject");
                w.WriteString("kind", g.Subject.Kind);
                w.WriteString("name", g.Subject.Name);
                WriteOptional(w, "namespace", g.Subject.Namespace);
                w.WriteEndObject();
            }

            w.WriteStartObject("role");
            w.WriteString("kind", g.Role.Kind);
            w.WriteString("name", g.Role.Name);
            WriteOptional(w, "namespace", g.Role.Namespace.Length == 0 ? null : g.Role.Namespace);
            w.WriteBoolean("default", g.Role.IsDefault);
            w.WriteEndObject();
            WriteRule(w, g.Rule);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void WriteRule(Utf8JsonWriter w, PolicyRule rule)
    {
        w.WriteStartObject("rule");
        WriteStrings(w, "verbs", rule.Verbs);
        if (rule.NonResourceUrls.Count > 0 && rule.Resources.Count == 0)
        {
            WriteStrings(w, "nonResourceURLs", rule.NonResourceUrls);
        }
        else
        {
            WriteStrings(w, "apiGroups", rule.ApiGroups);
            WriteStrings(w, "resources", rule.Resources);
            if (rule.ResourceNames.Count > 0)
            {
                WriteStrings(w, "resourceNames", rule.ResourceNames);
            }
        }

        w.WriteStartObject("from");
        w.WriteString("kind", rule.Origin.Kind);
        w.WriteString("name", rule.Origin.Name);
        WriteOptional(w, "namespace", rule.Origin.Namespace.Length == 0 ? null : rule.Origin.Namespace);
        w.WriteNumber("index", rule.Index);
        if (rule.Source is { } source && !source.Origin.File.Path.StartsWith('<'))
        {
            var node = source.Root.Find(rule.Pointer, out _);
            w.WriteString("file", source.Origin.File.Path);
            w.WriteNumber("line", node.Start.Line);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    public static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>One line explaining a grant, upstream's reason text plus the rule and where it is written.</summary>
    public static string Explain(Grant g)
    {
        var from = g.Rule.Origin != g.Role.Key ? $", aggregated from {g.Rule.Origin}" : string.Empty;
        var at = g.Binding.Source is { } src ? $" [{src.Origin.File.Path}:{src.Root.Start.Line}]" : string.Empty;
        return $"{g}: rule {g.Rule}{from}{at}";
    }

    private static void WriteLocation(Utf8JsonWriter w, KubeObject? source)
    {
        if (source is not null)
        {
            w.WriteString("file", source.Origin.File.Path);
            w.WriteNumber("line", source.Root.Start.Line);
        }
    }
}
