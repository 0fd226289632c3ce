using System.Text.Json;
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

        void Scalar(string name, AuditLevel level, string description, Func<JsonElement, string?> read) =>
            f[name] = new FieldSpec(name, false, level, FieldArgument.None, description, (e, _) => read(e));

        void List(string name, AuditLevel level, string description, Func<JsonElement, string[]?> read) =>
            f[name] = new FieldSpec(name, true, level, FieldArgument.None, description, (e, _) => read(e));

        const AuditLevel M = AuditLevel.Metadata;
        const AuditLevel R = AuditLevel.Request;
        const AuditLevel RR = AuditLevel.RequestResponse;

        // Falco's fields (falcosecurity/plugins k8saudit).
        Scalar("ka.auditid", M, "auditID", e => Str(e, "auditID"));
        Scalar("ka.stage", M, "stage", e => Str(e, "stage"));
        Scalar("ka.auth.decision", M, "the authorization.k8s.io/decision annotation (allow, forbid)", e => Annotation(e, "authorization.k8s.io/decision"));
        Scalar("ka.auth.reason", M, "the authorization.k8s.io/reason annotation", e => Annotation(e, "authorization.k8s.io/reason"));
        Scalar("ka.user.name", M, "user.username", e => AsString(Path(e, "user", "username")));
        List("ka.user.groups", M, "user.groups", e => Strings(Path(e, "user", "groups")));
        Scalar("ka.impuser.name", M, "impersonatedUser.username", e => AsString(Path(e, "impersonatedUser", "username")));
        Scalar("ka.verb", M, "verb", e => Str(e, "verb"));
        Scalar("ka.uri", M, "requestURI", e => Str(e, "requestURI"));
        f["ka.uri.param"] = new FieldSpec("ka.uri.param", false, M, FieldArgument.Key, "the first value of a requestURI query parameter, URL-decoded",
            (e, arg) => Str(e, "requestURI") is { } uri && UriQuery.Values(uri, (string)arg!) is { Count: > 0 } v ? v[0] : null);
        Scalar("ka.target.name", M, "objectRef.name", e => AsString(Path(e, "objectRef", "name")));
        Scalar("ka.target.namespace", M, "objectRef.namespace", e => AsString(Path(e, "objectRef", "namespace")));
        Scalar("ka.target.resource", M, "objectRef.resource", e => AsString(Path(e, "objectRef", "resource")));
        Scalar("ka.target.subresource", M, "objectRef.subresource", e => AsString(Path(e, "objectRef", "subresource")));
        Scalar("ka.target.pod.name", RR, "responseObject.metadata.name, for pods without a subresource only", TargetPodName);
        Scalar("ka.security.pod.violations", M, "the pod-security.kubernetes.io/audit-violations annotation", e => Annotation(e, "pod-security.kubernetes.io/audit-violations"));
        Scalar("ka.validations.admission.policy.failure", M, "the validation.policy.admission.k8s.io/validation_failure annotation", e => Annotation(e, "validation.policy.admission.k8s.io/validation_failure"));
        Scalar("ka.response.code", M, "responseStatus.code, as a string", e => AsString(Path(e, "responseStatus", "code")));
        Scalar("ka.response.reason", M, "responseStatus.reason", e => AsString(Path(e, "responseStatus", "reason")));
        Scalar("ka.useragent", M, "userAgent", e => Str(e, "userAgent"));
        List("ka.sourceips", M, "sourceIPs", e => Strings(Prop(e, "sourceIPs")));
        Scalar("ka.cluster.name", M, "the cluster_name annotation (set by some forwarders)", e => Annotation(e, "cluster_name"));
        Scalar("ka.resp.name", RR, "responseObject.metadata.name", e => AsString(Path(e, "responseObject", "metadata", "name")));
        Scalar("ka.req.binding.role", R, "requestObject.roleRef.name", e => AsString(Path(e, "requestObject", "roleRef", "name")));
        List("ka.req.binding.subjects", R, "requestObject.subjects, each as JSON text", e => Strings(Path(e, "requestObject", "subjects")));
        List("ka.req.binding.subjects.user_names", R, "names of the User subjects", e => Subjects(e, "User", namespaced: false));
        List("ka.req.binding.subjects.group_names", R, "names of the Group subjects", e => Subjects(e, "Group", namespaced: false));
        List("ka.req.binding.subjects.serviceaccount_names", R, "names of the ServiceAccount subjects", e => Subjects(e, "ServiceAccount", namespaced: false));
        List("ka.req.binding.subjects.serviceaccount_ns_names", R, "ServiceAccount subjects as namespace:name", e => Subjects(e, "ServiceAccount", namespaced: true));
        Scalar("ka.req.configmap.name", M, "objectRef.name", e => AsString(Path(e, "objectRef", "name")));
        Scalar("ka.req.configmap.obj", R, "requestObject.data as JSON text (never for secrets)", e => IsSecret(e) ? null : AsString(Path(e, "requestObject", "data")));
        Scalar("ka.req.pod.host_network", R, "requestObject.spec.hostNetwork", e => AsString(Spec(e, "hostNetwork")));
        Scalar("ka.req.pod.host_pid", R, "requestObject.spec.hostPID", e => AsString(Spec(e, "hostPID")));
        Scalar("ka.req.pod.host_ipc", R, "requestObject.spec.hostIPC", e => AsString(Spec(e, "hostIPC")));
        Scalar("ka.req.pod.run_as_user", R, "requestObject.spec.securityContext.runAsUser", e => AsString(Prop(Spec(e, "securityContext"), "runAsUser")));
        Scalar("ka.req.pod.run_as_group", R, "requestObject.spec.securityContext.runAsGroup", e => AsString(Prop(Spec(e, "securityContext"), "runAsGroup")));
        Scalar("ka.req.pod.fs_group", R, "requestObject.spec.securityContext.fsGroup", e => AsString(Prop(Spec(e, "securityContext"), "fsGroup")));
        List("ka.req.pod.supplemental_groups", R, "requestObject.spec.securityContext.supplementalGroups", e => Strings(Prop(Spec(e, "securityContext"), "supplementalGroups")));
        List("ka.req.pod.volumes.hostpath", R, "every volume's hostPath.path (exact strings)", e => PerItem(Spec(e, "volumes"), v => One(AsString(Path(v, "hostPath", "path")))));
        List("ka.req.pod.volumes.volume_type", R, "every volume's keys other than name", e => PerItem(Spec(e, "volumes"), VolumeTypes));
        List("ka.req.pod.volumes.flexvolume_driver", R, "every volume's flexVolume.driver", e => PerItem(Spec(e, "volumes"), v => One(AsString(Path(v, "flexVolume", "driver")))));
        List("ka.req.role.rules", R, "requestObject.rules, each as JSON text", e => Strings(Path(e, "requestObject", "rules")));
        RoleRules(f, "ka.req.role.rules", "requestObject", R);
        RoleRules(f, "ka.resp.role.rules", "responseObject", RR);
        List("ka.resp.role.rules", RR, "responseObject.rules, each as JSON text", e => Strings(Path(e, "responseObject", "rules")));
        Scalar("ka.req.service.type", R, "requestObject.spec.type", e => AsString(Spec(e, "type")));
        List("ka.req.service.ports", R, "requestObject.spec.ports, each as JSON text", e => Strings(Spec(e, "ports")));

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
        Scalar("ka.level", M, "level", e => Str(e, "level"));
        Scalar("ka.target.apigroup", M, "objectRef.apiGroup (\"\" for the core group)", e => Prop(e, "objectRef").ValueKind == JsonValueKind.Object ? AsString(Path(e, "objectRef", "apiGroup")) ?? string.Empty : null);
        List("ka.impuser.groups", M, "impersonatedUser.groups", e => Strings(Path(e, "impersonatedUser", "groups")));
        Scalar("ka.sourceip", M, "the last entry of sourceIPs (the direct peer)", SourceIp);
        Scalar("ka.sourceip.public", M, "true when ka.sourceip is a public address", e => SourceIp(e) is { } ip ? IpAddresses.IsPublic(ip) : null);
        Scalar("ka.uri.path", M, "requestURI without its query", e => Str(e, "requestURI") is { } uri ? UriQuery.Path(uri) : null);
        f["ka.uri.params"] = new FieldSpec("ka.uri.params", true, M, FieldArgument.Key, "every value of a requestURI query parameter, URL-decoded",
            (e, arg) => Str(e, "requestURI") is { } uri ? UriQuery.Values(uri, (string)arg!).ToArray() : null);
        Scalar("ka.exec.command", M, "every command= value of the requestURI, URL-decoded, joined with spaces", e =>
            Str(e, "requestURI") is { } uri && UriQuery.Values(uri, "command") is { Count: > 0 } c ? string.Join(' ', c) : null);
        List("ka.req.webhooks.names", R, "requestObject.webhooks[*].name", e => PerItem(Path(e, "requestObject", "webhooks"), w => One(Str(w, "name"))));
        Scalar("ka.req.csr.signer", R, "requestObject.spec.signerName", e => AsString(Spec(e, "signerName")));
        List("ka.req.csr.usages", R, "requestObject.spec.usages", e => Strings(Spec(e, "usages")));
        List("ka.req.csr.conditions", R, "the types of requestObject.status.conditions", e => PerItem(Path(e, "requestObject", "status", "conditions"), c => One(Str(c, "type"))));
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

                return tokens;
        }
    }

    private static object? JevtValue(JsonElement e, object? arg)
    {
        var tokens = (string[])arg!;

        // Secret contents never reach a condition or a message: bodies of Secret requests are read only under metadata.
        if (tokens.Length > 0 && tokens[0] is "requestObject" or "responseObject" && (tokens.Length < 2 || tokens[1] != "metadata") && IsSecret(e))
        {
            return null;
        }

        return AsString(Pointer(e, tokens));
    }

    private static bool IsSecret(JsonElement e) => Path(e, "objectRef", "resource").ValueKind == JsonValueKind.String &&
        Path(e, "objectRef", "resource").ValueEquals("secrets"u8);

    private static string? Annotation(JsonElement e, string key) => AsString(Path(e, "annotations", key));

    private static JsonElement Spec(JsonElement e, string key) => Path(e, "requestObject", "spec", key);

    private static string? TargetPodName(JsonElement e)
    {
        var objectRef = Prop(e, "objectRef");
        if (Str(objectRef, "resource") != "pods" || Str(objectRef, "subresource") is { Length: > 0 })
        {
            return null;
        }

        return AsString(Path(e, "responseObject", "metadata", "name"));
    }

    private static string? SourceIp(JsonElement e)
    {
        var ips = Prop(e, "sourceIPs");
        if (ips.ValueKind != JsonValueKind.Array || ips.GetArrayLength() == 0)
        {
            return null;
        }

        return AsString(ips[ips.GetArrayLength() - 1]);
    }

    private static string? Time(JsonElement e) =>
        Str(e, "stageTimestamp") ?? Str(e, "requestReceivedTimestamp") ?? Str(e, "timestamp");

    private static string[]? Subjects(JsonElement e, string kind, bool namespaced) =>
        PerItem(Path(e, "requestObject", "subjects"), s =>
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
        foreach (var key in new[] { "verbs", "resources", "apiGroups", "nonResourceURLs" })
        {
            var name = $"{prefix}.{key}";
            f[name] = new FieldSpec(name, true, level, FieldArgument.None, $"{body}.rules[*].{key}, flattened",
                (e, _) => PerItem(Path(e, body, "rules"), r => Strings(Prop(r, key)) ?? []));
        }

        f[$"{prefix}.wildcard"] = new FieldSpec($"{prefix}.wildcard", false, level, FieldArgument.None,
            $"true when a rule of {body} has * in verbs, resources or apiGroups",
            (e, _) =>
            {
                var rules = Path(e, body, "rules");
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
            f[name] = new FieldSpec(name, true, AuditLevel.Request, FieldArgument.None, $"{description}, per {list} entry", (e, _) =>
            {
                var spec = Path(e, "requestObject", "spec");
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
