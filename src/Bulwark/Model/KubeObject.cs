namespace Bulwark.Model;

/// <summary>A file (or stdin) that manifests were read from.</summary>
public sealed record SourceFile(string Path)
{
    public const string StdinName = "<stdin>";

    public static readonly SourceFile Stdin = new(StdinName);
}

/// <summary>Where an object came from: the file, the document in it, and (for List items) the item's pointer.</summary>
public sealed record Origin(SourceFile File, int DocumentIndex, string? ListPointer = null);

/// <summary>The identity of an object as findings report it.</summary>
public sealed record ObjectRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    public override string ToString() =>
        Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>
/// One Kubernetes object as read from a manifest, of any kind (CRDs included), with positions for every field.
/// Typed views (pod specs, RBAC) are derived from <see cref="Root"/> on demand.
/// </summary>
public sealed class KubeObject
{
    private static readonly HashSet<string> ClusterScopedKinds = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding", "APIService", "CertificateSigningRequest", "RuntimeClass",
        "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment", "PodSecurityPolicy", "FlowSchema",
        "PriorityLevelConfiguration", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy",
    };

    private ObjectRef? _ref;

    public KubeObject(MappingNode root, Origin origin)
    {
        Root = root;
        Origin = origin;
        ApiVersion = root.GetString("apiVersion") ?? string.Empty;
        Kind = root.GetString("kind") ?? string.Empty;
        var metadata = root.GetMapping("metadata");
        Name = metadata?.GetString("name") ?? metadata?.GetString("generateName") ?? string.Empty;
        Namespace = metadata?.GetString("namespace");
        if (Namespace is { Length: 0 })
        {
            Namespace = null;
        }
    }

    public MappingNode Root { get; }

    public Origin Origin { get; }

    public string ApiVersion { get; }

    public string Kind { get; }

    public string Name { get; }

    /// <summary>The namespace written in the manifest; null when unset (then kubectl's namespace applies).</summary>
    public string? Namespace { get; }

    /// <summary>The API group ("" for the core group).</summary>
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : string.Empty;

    public bool IsClusterScoped => ClusterScopedKinds.Contains(Kind);

    /// <summary>The object's identity, made once (every finding about the object shares it).</summary>
    public ObjectRef Ref => _ref ??= new ObjectRef(ApiVersion, Kind, IsClusterScoped ? null : Namespace, Name);

    public MappingNode? Metadata => Root.GetMapping("metadata");

    public MappingNode? Labels => Metadata?.GetMapping("labels");

    public MappingNode? Annotations => Metadata?.GetMapping("annotations");

    /// <summary>Per-object cache for derived views, so rules share one typed conversion.</summary>
    internal Dictionary<Type, object?> Views { get; } = new();

    public override string ToString() => Ref.ToString();
}
