using Bulwark.Findings;
using k8s.Models;

namespace Bulwark.Model;

/// <summary>
/// All objects of one scan, with the derived views rules share (pod templates, objects by kind, service
/// accounts, namespaces). Views are computed once, on first use.
/// </summary>
public sealed class Inventory
{
    private readonly object _gate = new();
    private IReadOnlyList<PodTemplate>? _podTemplates;
    private readonly Lazy<ILookup<string, KubeObject>> _byKind;
    private readonly Lazy<Dictionary<(string Kind, string? Namespace, string Name), KubeObject>> _byName;
    private List<InputError>? _conversionErrors;

    public Inventory(IReadOnlyList<KubeObject> objects)
    {
        Objects = objects;
        _byKind = new Lazy<ILookup<string, KubeObject>>(() => objects.ToLookup(o => o.Kind, StringComparer.Ordinal));
        _byName = new Lazy<Dictionary<(string, string?, string), KubeObject>>(() =>
        {
            var index = new Dictionary<(string, string?, string), KubeObject>();
            foreach (var o in objects)
            {
                index.TryAdd((o.Kind, o.IsClusterScoped ? null : o.Namespace, o.Name), o); // the first one wins, as in input order
            }

            return index;
        });
    }

    public IReadOnlyList<KubeObject> Objects { get; }

    /// <summary>Type errors met while building typed views (wrong field types), reported as input errors.</summary>
    public IReadOnlyList<InputError> ConversionErrors
    {
        get
        {
            _ = PodTemplates;
            return _conversionErrors ?? [];
        }
    }

    /// <summary>Every pod an object in the input runs.</summary>
    public IReadOnlyList<PodTemplate> PodTemplates
    {
        get
        {
            if (_podTemplates is not null)
            {
                return _podTemplates;
            }

            lock (_gate)
            {
                return _podTemplates ??= BuildPodTemplates();
            }
        }
    }

    public IEnumerable<KubeObject> OfKind(string kind) => _byKind.Value[kind];

    /// <summary>The first object of a kind with a namespace (as written; null when unset) and name, found by index.</summary>
    public KubeObject? Find(string kind, string? @namespace, string name) =>
        _byName.Value.TryGetValue((kind, @namespace, name), out var found) ? found : null;

    /// <summary>Objects of a kind in a group ("" for core).</summary>
    public IEnumerable<KubeObject> OfKind(string group, string kind) => OfKind(kind).Where(o => o.Group == group);

    /// <summary>Converts an object to a typed model once and caches it; null when it does not convert.</summary>
    public static T? Typed<T>(KubeObject obj)
        where T : class
    {
        lock (obj.Views)
        {
            if (obj.Views.TryGetValue(typeof(T), out var cached))
            {
                return (T?)cached;
            }

            TypedConverter.TryConvert<T>(obj.Root, out var value, out _, out _);
            obj.Views[typeof(T)] = value;
            return value;
        }
    }

    /// <summary>The ServiceAccount object for a pod's service account, if the input has it.</summary>
    public KubeObject? FindServiceAccount(string? @namespace, string name) =>
        Find("ServiceAccount", @namespace, name) is { Group.Length: 0 } sa ? sa : null;

    /// <summary>The Namespace object of a name, if the input has it.</summary>
    public KubeObject? FindNamespace(string name) =>
        Find("Namespace", null, name) is { Group.Length: 0 } ns ? ns : null;

    private List<PodTemplate> BuildPodTemplates()
    {
        // Typed conversion is the costly part: objects are converted in parallel, results kept in input order.
        var built = new (PodTemplate? Pod, InputError? Error)[Objects.Count];
        Parallel.For(0, Objects.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var obj = Objects[i];
            var pod = PodTemplateLocator.Build(obj, out var pointer, out var message);
            if (pod is not null)
            {
                built[i] = (pod, null);
            }
            else if (message is not null)
            {
                var node = obj.Root.Find(pointer!, out _);
                built[i] = (null, new InputError(obj.Origin.File.Path, node.Start.Line, node.Start.Column, "schema",
                    $"{obj.Kind} \"{obj.Name}\": {pointer}: wrong type, {message} (the API server would reject it); the pod rules skip this object"));
            }
        });

        var list = new List<PodTemplate>();
        foreach (var (pod, error) in built)
        {
            if (pod is not null)
            {
                list.Add(pod);
            }
            else if (error is not null)
            {
                (_conversionErrors ??= new()).Add(error);
            }
        }

        return list;
    }

    /// <summary>Shortcut for rules that need a V1ServiceAccount.</summary>
    public static V1ServiceAccount? ServiceAccount(KubeObject obj) => Typed<V1ServiceAccount>(obj);
}
