using Bulwark.Model;

namespace Bulwark.Network.Model;

/// <summary>
/// A namespace as NetworkPolicy namespaceSelectors see it: its labels, always including
/// <c>kubernetes.io/metadata.name</c>, which the API server sets to the name (and enforces).
/// </summary>
public sealed class NetworkNamespace
{
    public const string NameLabel = "kubernetes.io/metadata.name";

    public NetworkNamespace(string name, IReadOnlyDictionary<string, string> labels, KubeObject? source)
    {
        Name = name;
        Labels = labels;
        Source = source;
    }

    public string Name { get; }

    /// <summary>The labels, with the automatic <c>kubernetes.io/metadata.name</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The Namespace object; null when only workloads, Services or policies name the namespace.</summary>
    public KubeObject? Source { get; }

    public override string ToString() => Name;
}
