using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Policies;

namespace Bulwark.Network.AdminPolicies;

/// <summary>
/// The pods an admin-tier policy applies to: every pod of the namespaces matching <see cref="Namespaces"/>
/// (<c>subject.namespaces</c>), or only those matching <see cref="Pods"/> too (<c>subject.pods</c>). Host-network
/// pods are never selected (upstream; Bulwark leaves them out of the connections anyway).
/// </summary>
public sealed record AdminSubject(LabelSelector Namespaces, LabelSelector? Pods)
{
    public bool Matches(NetworkNamespace ns, IReadOnlyDictionary<string, string> podLabels) =>
        Namespaces.Matches(ns.Labels) && (Pods is null || Pods.Matches(podLabels));

    public override string ToString() => Pods is null
        ? $"pods in namespaces {PolicyText.Selector(Namespaces)}"
        : $"pods {PolicyText.Selector(Pods)} in namespaces {PolicyText.Selector(Namespaces)}";
}
