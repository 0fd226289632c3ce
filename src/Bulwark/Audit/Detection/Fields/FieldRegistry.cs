using System.Text.Json;
using Bulwark.Audit.Detection.Conditions;
using static Bulwark.Audit.Detection.Fields.JsonValues;

namespace Bulwark.Audit.Detection.Fields;

/// <summary>
/// Every field rules can read: Falco's k8saudit fields with the plugin's semantics (spec/AUDIT.md 1.1) and
/// Bulwark's additions (docs/audit-rules.md).
/// </summary>
public static class FieldRegistry
{
    private static readonly Dictionary<string, FieldSpec> Fields = Build();

    /// <summary>Every field, by name.</summary>
    public static IReadOnlyDictionary<string, FieldSpec> All => Fields;

    public static FieldSpec? Find(string name) => Fields.GetValueOrDefault(name);

    private static Dictionary<string, FieldSpec> Build()
    {
        var f = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);

        void Scalar(string name, AuditLevel level, string description, Func<EvalContext, string?> read) =>
            f[name] = new FieldSpec(name, false, level, FieldArgument.None, description, (c, _) => read(c));

        void List(string name, AuditLevel level, string description, Func<EvalContext, string[]?> read) =>
            f[name] = new FieldSpec(name, true, level, FieldArgument.None, description, (c, _) => read(c));

        const AuditLevel M = AuditLevel.Metadata;
        const AuditLevel R = AuditLevel.Request;
        const AuditLevel RR = AuditLevel.RequestResponse;

        // Falco's fields (falcosecurity/plugins k8saudit).
        Scalar("ka.auditid", M, "auditID", c => AsString(c.Top(EventKey.AuditId)));
        Scalar("ka.stage", M, "stage", c => AsString(c.Top(EventKey.Stage)));
        Scalar("ka.auth.decision", M, "the authorization.k8s.io/decision annotation (allow, forbid)", c => Annotation(c, "authorization.k8s.io/decision"));
        Scalar("ka.auth.reason", M, "the authorization.k8s.io/reason annotation", c => Annotation(c, "authorization.k8s.io/reason"));
        Scalar("ka.user.name", M, "user.username", c => AsString(Prop(c.Top(EventKey.User), "username")));
        List("ka.user.groups", M, "user.groups", c => Strings(Prop(c.Top(EventKey.User), "groups")));
        Scalar("ka.impuser.name", M, "impersonatedUser.username", c => AsString(Prop(c.Top(EventKey.ImpersonatedUser), "username")));
        Scalar("ka.verb", M, "verb", c => AsString(c.Top(EventKey.Verb)));
        Scalar("ka.uri", M, "requestURI", c => AsString(c.Top(EventKey.RequestUri)));
        f["ka.uri.param"] = new FieldSpec("ka.uri.param", false, M, FieldArgument.Key, "the first value of a requestURI query parameter, URL-decoded",
            (c, arg) => Uri(c) is { } uri && UriQuery.Values(uri, (string)arg!) is { Count: > 0 } v ? v[0] : null);
        Scalar("ka.target.name", M, "objectRef.name", c => AsString(Prop(c.Top(EventKey.ObjectRef), "name")));
        Scalar("ka.target.namespace", M, "objectRef.namespace", c => AsString(Prop(c.Top(EventKey.ObjectRef), "namespace")));
        Scalar("ka.target.resource", M, "objectRef.resource", c => AsString(Prop(c.Top(EventKey.ObjectRef), "resource")));
        Scalar("ka.target.subresource", M, "objectRef.subresource", c => AsString(Prop(c.Top(EventKey.ObjectRef), "subresource")));
        Scalar("ka.target.pod.name", RR, "responseObject.metadata.name, for pods without a subresource only", TargetPodName);
        Scalar("ka.security.pod.violations", M, "the pod-security.kubernetes.io/audit-violations annotation", c => Annotation(c, "pod-security.kubernetes.io/audit-violations"));
        Scalar("ka.validations.admission.policy.failure", M, "the validation.policy.admission.k8s.io/validation_failure annotation", c => Annotation(c, "validation.policy.admission.k8s.io/validation_failure"));
        Scalar("ka.response.code", M, "responseStatus.code, as a string", c => AsString(Prop(c.Top(EventKey.ResponseStatus), "code")));
        Scalar("ka.response.reason", M, "responseStatus.reason", c => AsString(Prop(c.Top(EventKey.ResponseStatus), "reason")));
        Scalar("ka.useragent", M, "userAgent", c => AsString(c.Top(EventKey.UserAgent)));
        List("ka.sourceips", M, "sourceIPs", c => Strings(c.Top(EventKey.SourceIps)));
        Scalar("ka.cluster.name", M, "the cluster_name annotation (set by some forwarders)", c => Annotation(c, "cluster_name"));
        Scalar("ka.resp.name", RR, "responseObject.metadata.name", c => AsString(Path(c.Top(EventKey.ResponseObject), "metadata", "name")));
        Scalar("ka.req.binding.role", R, "requestObject.roleRef.name", c => AsString(Path(c.Top(EventKey.RequestObject), "roleRef", "name")));
        List("ka.req.binding.subjects", R, "requestObject.subjects, each as JSON text", c => Strings(Prop(c.Top(EventKey.RequestObject), "subjects")));
        List("ka.req.binding.subjects.user_names", R, "names of the User subjects", c => Subjects(c, "User", namespaced: false));
        List("ka.req.binding.subjects.group_names", R, "names of the Group subjects", c => Subjects(c, "Group", namespaced: false));
        List("ka.req.binding.subjects.serviceaccount_names", R, "names of the ServiceAccount subjects", c => Subjects(c, "ServiceAccount", namespaced: false));
        List("ka.req.binding.subjects.serviceaccount_ns_names", R, "ServiceAccount subjects as namespace:name", c => Subjects(c, "ServiceAccount", namespaced: true));
        Scalar("ka.req.configmap.name", M, "objectRef.name", c => AsString(Prop(c.Top(EventKey.ObjectRef), "name")));
        Scalar("ka.req.configmap.obj", R, "requestObject.data as JSON text (never for secrets)", c => IsSecret(c) ? null : AsString(Prop(c.Top(EventKey.RequestObject), "data")));
        Scalar("ka.req.pod.host_network", R, "requestObject.spec.hostNetwork", c => AsString(Spec(c, "hostNetwork")));
        Scalar("ka.req.pod.host_pid", R, "requestObject.spec.hostPID", c => AsString(Spec(c, "hostPID")));
        Scalar("ka.req.pod.host_ipc", R, "requestObject.spec.hostIPC", c => AsString(Spec(c, "hostIPC")));
        Scalar("ka.req.pod.run_as_user", R, "requestObject.spec.securityContext.runAsUser", c => AsString(Prop(Spec(c, "securityContext"), "runAsUser")));
        Scalar("ka.req.pod.run_as_group", R, "requestObject.spec.securityContext.runAsGroup", c => AsString(Prop(Spec(c, "securityContext"), "runAsGroup")));
        Scalar("ka.req.pod.fs_group", R, "requestObject.spec.securityContext.fsGroup", c => AsString(Prop(Spec(c, "securityContext"), "fsGroup")));
        List("ka.req.pod.supplemental_groups", R, "requestObject.spec.securityContext.supplementalGroups", c => Strings(Prop(Spec(c, "securityContext"), "supplementalGroups")));
        List("ka.req.pod.volumes.hostpath", R, "every volume's hostPath.path (exact strings)", c => PerItem(Spec(c, "volumes"), v => One(AsString(Path(v, "hostPath", "path")))));
        List("ka.req.pod.volumes.volume_type", R, "every volume's keys other than name", c => PerItem(Spec(c, "volumes"), VolumeTypes));
        List("ka.req.pod.volumes.flexvolume_driver", R, "every volume's flexVolume.driver", c => PerItem(Spec(c, "volumes"), v => One(AsString(Path(v, "flexVolume", "driver")))));
        List("ka.req.role.rules", R, "requestObject.rules, each as JSON text", c => Strings(Prop(c.Top(EventKey.RequestObject), "rules")));
        RoleRules(f, "ka.req.role.rules", "requestObject", R);
        RoleRules(f, "ka.resp.role.rules", "responseObject", RR);
        List("ka.resp.role.rules", RR, "responseObject.rules, each as JSON text", c => Strings(Prop(c.Top(EventKey.ResponseObject), "rules")));
        Scalar("ka.req.service.type", R, "requestObject.spec.type", c => AsString(Spec(c, "type")));
        List("ka.req.service.ports", R, "requestObject.spec.ports, each as JSON text", c => Strings(Spec(c, "ports")));

        foreach (var (prefix, list) in new[]
        {
            ("ka.req.pod.containers", "containers"),
            ("ka.req.pod.initcontainers", "initContainers"),
            ("ka.req.pod.initContainers", "initContainers"),
            ("ka.req.pod.ephemeralcontainers", "ephemeralContainers"),
            ("ka.req.pod.ephemeralContainers", "ephemeralContainers"),
        })
        {
            Containers(f, prefix, list);
        }

        // Bulwark's additions.
        Scalar("ka.level", M, "level", c => AsString(c.Top(EventKey.Level)));
        Scalar("ka.target.apigroup", M, "objectRef.apiGroup (\"\" for the core group)", c => c.Top(EventKey.ObjectRef).ValueKind == JsonValueKind.Object ? AsString(Prop(c.Top(EventKey.ObjectRef), "apiGroup")) ?? string.Empty : null);
        List("ka.impuser.groups", M, "impersonatedUser.groups", c => Strings(Prop(c.Top(EventKey.ImpersonatedUser), "groups")));
        Scalar("ka.sourceip", M, "the last entry of sourceIPs (the direct peer)", SourceIp);
        Scalar("ka.sourceip.public", M, "true when ka.sourceip is a public address", c => SourceIp(c) is { } ip ? IpAddresses.IsPublic(ip) : null);
        Scalar("ka.uri.path", M, "requestURI without its query", c => AsString(c.Top(EventKey.RequestUri)) is { } uri ? UriQuery.Path(uri) : null);
        f["ka.uri.params"] = new FieldSpec("ka.uri.params", true, M, FieldArgument.Key, "every value of a requestURI query parameter, URL-decoded",
            (c, arg) => Uri(c) is { } uri ? UriQuery.Values(uri, (string)arg!).ToArray() : null);
        Scalar("ka.exec.command", M, "every command= value of the requestURI, URL-decoded, joined with spaces", c =>
            Uri(c) is { } uri && UriQuery.Values(uri, "command") is { Count: > 0 } values ? string.Join(' ', values) : null);
        List("ka.req.webhooks.names", R, "requestObject.webhooks[*].name", c => PerItem(Prop(c.Top(EventKey.RequestObject), "webhooks"), w => One(Str(w, "name"))));
        Scalar("ka.req.csr.signer", R, "requestObject.spec.signerName", c => AsString(Spec(c, "signerName")));
        List("ka.req.csr.usages", R, "requestObject.spec.usages", c => Strings(Spec(c, "usages")));
        List("ka.req.csr.conditions", R, "the types of requestObject.status.conditions", c => PerItem(Path(c.Top(EventKey.RequestObject), "status", "conditions"), x => One(Str(x, "type"))));
        Scalar("ka.time", M, "stageTimestamp, else requestReceivedTimestamp, else timestamp", Time);

        f["jevt.value"] = new FieldSpec("jevt.value", false, M, FieldArgument.Pointer, "the value at a JSON pointer in the event (objects as JSON text)", JevtValue);
        return f;
    }

    /// <summary>The level a field needs with its argument (jevt.value into a body needs that body's level).</summary>
    public static AuditLevel LevelOf(FieldSpec spec, string? argument)
    {
        if (spec.Argument != FieldArgument.Pointer || argument is null)
        {
            return spec.Level;
        }

        return argument.StartsWith("/requestObject", StringComparison.Ordinal) ? AuditLevel.Request
            : argument.StartsWith("/responseObject", StringComparison.Ordinal) ? AuditLevel.RequestResponse
            : AuditLevel.Metadata;
    }

    /// <summary>Parses a field's argument once (a JSON pointer into tokens); null and an error message when it is not valid.</summary>
    public static object? ParseArgument(FieldSpec spec, string? argument, out string? error)
    {
        error = null;
        switch (spec.Argument)
        {
            case FieldArgument.None:
                if (argument is not null)
                {
                    error = $"field {spec.Name} takes no argument";
                }

                return null;
            case FieldArgument.Key:
                if (string.IsNullOrEmpty(argument))
                {
                    error = $"field {spec.Name} needs a key argument, e.g. {spec.Name}[command]";
                }

                return argument;
            default:
                if (argument is null || JsonValues.ParsePointer(argument) is not { } tokens)
                {
                    error = $"field {spec.Name} needs a JSON pointer argument, e.g. {spec.Name}[/objectRef/resource]";
                    return null;
                }

                return new PointerArgument(tokens, tokens.Length > 0 ? EventKeys.Of(tokens[0]) : -1);
        }
    }

    /// <summary>A parsed JSON pointer, with the event key of its first step (-1 when it is not one of them).</summary>
    private sealed record PointerArgument(string[] Tokens, int Key);

    private static object? JevtValue(EvalContext c, object? arg)
    {
        var pointer = (PointerArgument)arg!;
        var tokens = pointer.Tokens;

        // Secret contents never reach a condition or a message: bodies of Secret requests are read only under metadata.
        if (tokens.Length > 0 && tokens[0] is "requestObject" or "responseObject" && (tokens.Length < 2 || tokens[1] != "metadata") && IsSecret(c))
        {
            return null;
        }

        if (pointer.Key >= 0)
        {
            return AsString(Pointer(c.Top((EventKey)pointer.Key), tokens.AsSpan(1)));
        }

        return AsString(Pointer(c.Root, tokens));
    }

    private static string? Uri(EvalContext c) => AsString(c.Top(EventKey.RequestUri));

    private static bool IsSecret(EvalContext c) => Prop(c.Top(EventKey.ObjectRef), "resource"u8) is { ValueKind: JsonValueKind.String } r &&
        r.ValueEquals("secrets"u8);

    private static string? Annotation(EvalContext c, string key) => AsString(Prop(c.Top(EventKey.Annotations), key));

    private static JsonElement Spec(EvalContext c, string key) => Path(c.Top(EventKey.RequestObject), "spec", key);

    private static string? TargetPodName(EvalContext c)
    {
        var objectRef = c.Top(EventKey.ObjectRef);
        if (Str(objectRef, "resource") != "pods" || Str(objectRef, "subresource") is { Length: > 0 })
        {
            return null;
        }

        return AsString(Path(c.Top(EventKey.ResponseObject), "metadata", "name"));
    }

    private static string? SourceIp(EvalContext c)
    {
        var ips = c.Top(EventKey.SourceIps);
        if (ips.ValueKind != JsonValueKind.Array || ips.GetArrayLength() == 0)
        {
            return null;
        }

        return AsString(ips[ips.GetArrayLength() - 1]);
    }

    private static string? Time(EvalContext c) =>
        AsString(c.Top(EventKey.StageTimestamp)) ?? AsString(c.Top(EventKey.RequestReceivedTimestamp)) ?? AsString(c.Top(EventKey.Timestamp));

    private static string[]? Subjects(EvalContext c, string kind, bool namespaced) =>
        PerItem(Prop(c.Top(EventKey.RequestObject), "subjects"), s =>
            Str(s, "kind") != kind || Str(s, "name") is not { } name ? []
            : namespaced ? [(Str(s, "namespace") ?? string.Empty) + ":" + name]
            : [name]);

    private static IEnumerable<string> VolumeTypes(JsonElement volume)
    {
        if (volume.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var p in volume.EnumerateObject())
        {
            if (p.Name != "name")
            {
                yield return p.Name;
            }
        }
    }

    private static IEnumerable<string> One(string? value) => value is null ? [] : [value];

    /// <summary>Values gathered over an array's items; null (missing) when it is not an array.</summary>
    private static string[]? PerItem(JsonElement array, Func<JsonElement, IEnumerable<string>> values)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            list.AddRange(values(item));
        }

        return [.. list];
    }

    private static void RoleRules(Dictionary<string, FieldSpec> f, string prefix, string body, AuditLevel level)
    {
        var bodyKey = body == "requestObject" ? EventKey.RequestObject : EventKey.ResponseObject;
        foreach (var key in new[] { "verbs", "resources", "apiGroups", "nonResourceURLs" })
        {
            var name = $"{prefix}.{key}";
            f[name] = new FieldSpec(name, true, level, FieldArgument.None, $"{body}.rules[*].{key}, flattened",
                (c, _) => PerItem(Prop(c.Top(bodyKey), "rules"), r => Strings(Prop(r, key)) ?? []));
        }

        f[$"{prefix}.wildcard"] = new FieldSpec($"{prefix}.wildcard", false, level, FieldArgument.None,
            $"true when a rule of {body} has * in verbs, resources or apiGroups",
            (c, _) =>
            {
                var rules = Prop(c.Top(bodyKey), "rules");
                if (rules.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                foreach (var r in rules.EnumerateArray())
                {
                    foreach (var key in new[] { "verbs", "resources", "apiGroups" })
                    {
                        if (Strings(Prop(r, key)) is { } values && values.Contains("*"))
                        {
                            return "true";
                        }
                    }
                }

                return "false";
            });
    }

    private static void Containers(Dictionary<string, FieldSpec> f, string prefix, string list)
    {
        void Add(string x, string description, Func<JsonElement, JsonElement, IEnumerable<string>> values)
        {
            var name = $"{prefix}.{x}";
            f[name] = new FieldSpec(name, true, AuditLevel.Request, FieldArgument.None, $"{description}, per {list} entry", (c, _) =>
            {
                var spec = Prop(c.Top(EventKey.RequestObject), "spec");
                return PerItem(Prop(spec, list), c => values(c, spec));
            });
        }

        static JsonElement Sc(JsonElement c, string key) => Path(c, "securityContext", key);

        Add("image", "image", (c, _) => One(Str(c, "image")));
        Add("image.repository", "the image cut at the first ':' and then at the first '@' (Falco's rule)", (c, _) => One(Str(c, "image") is { } i ? Repository(i) : null));
        Add("privileged", "securityContext.privileged", (c, _) => One(AsString(Sc(c, "privileged"))));
        Add("allow_privilege_escalation", "securityContext.allowPrivilegeEscalation", (c, _) => One(AsString(Sc(c, "allowPrivilegeEscalation"))));
        Add("read_only_fs", "securityContext.readOnlyRootFilesystem", (c, _) => One(AsString(Sc(c, "readOnlyRootFilesystem"))));
        Add("run_as_user", "securityContext.runAsUser", (c, _) => One(AsString(Sc(c, "runAsUser"))));
        Add("eff_run_as_user", "the effective runAsUser (the container's, else the pod's, else 0)", (c, spec) =>
            [AsString(Sc(c, "runAsUser")) ?? AsString(Path(spec, "securityContext", "runAsUser")) ?? "0"]);
        Add("run_as_group", "securityContext.runAsGroup", (c, _) => One(AsString(Sc(c, "runAsGroup"))));
        Add("eff_run_as_group", "the effective runAsGroup (the container's, else the pod's, else 0)", (c, spec) =>
            [AsString(Sc(c, "runAsGroup")) ?? AsString(Path(spec, "securityContext", "runAsGroup")) ?? "0"]);
        Add("proc_mount", "securityContext.procMount", (c, _) => One(AsString(Sc(c, "procMount"))));
        Add("add_capabilities", "securityContext.capabilities.add, flattened", (c, _) => Strings(Path(c, "securityContext", "capabilities", "add")) ?? []);
        Add("host_port", "ports[*].hostPort (the containerPort when the pod uses the host network)", HostPorts);
        Add("name", "name", (c, _) => One(Str(c, "name")));
        Add("command", "command, one value per argument", (c, _) => Strings(Prop(c, "command")) ?? []);
        Add("args", "args, one value per argument", (c, _) => Strings(Prop(c, "args")) ?? []);
    }

    private static IEnumerable<string> HostPorts(JsonElement container, JsonElement spec)
    {
        var ports = Prop(container, "ports");
        if (ports.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var hostNetwork = Prop(spec, "hostNetwork").ValueKind == JsonValueKind.True;
        foreach (var p in ports.EnumerateArray())
        {
            if (AsString(Prop(p, "hostPort")) is { } host)
            {
                yield return host;
            }
            else if (hostNetwork && AsString(Prop(p, "containerPort")) is { } port)
            {
                yield return port;
            }
        }
    }

    /// <summary>Falco's image repository: the image cut at the first ':' and then at the first '@'.</summary>
    public static string Repository(string image)
    {
        var colon = image.IndexOf(':');
        var cut = colon < 0 ? image : image[..colon];
        var at = cut.IndexOf('@');
        return at < 0 ? cut : cut[..at];
    }
}
