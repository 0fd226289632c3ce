using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>
/// DNS servers the generated <c>allow-dns</c> policies let every pod reach: the namespace and pod labels to select them
/// by, and their ports (the pod's ports, after Service DNAT). <see cref="Workloads"/> is empty for the fallback.
/// </summary>
public sealed record DnsTarget(string Namespace, IReadOnlyDictionary<string, string> PodLabels, IReadOnlyList<IntentPort> Ports,
    IReadOnlyList<Workload> Workloads, string Evidence)
{
    public bool IsFallback => Workloads.Count == 0;
}

/// <summary>
/// Finds the cluster DNS pods in the input, so that DNS rules select labels the pods really carry (a generated rule for
/// labels CoreDNS does not have locks every pod out of DNS). In order:
/// <list type="number">
/// <item>the workloads selected by the Service <c>kube-system/kube-dns</c> (or OpenShift's <c>openshift-dns/dns-default</c>):
/// the Service's selector is the labels, its DNS ports' targets (port 53, or a port whose name holds "dns") the ports;</item>
/// <item>otherwise workloads labelled <c>k8s-app=kube-dns</c> in kube-system, or named or built from an image named
/// CoreDNS, or OpenShift's DNS daemon set (label <c>dns.operator.openshift.io/daemonset-dns</c>): their own labels, and their
/// container ports named <c>dns*</c> or numbered 53 or 5353 (53 UDP and TCP when they declare none).</item>
/// </list>
/// hostNetwork workloads (node-local DNS caches) are not targets. When nothing is found: <c>k8s-app: kube-dns</c> in
/// kube-system on 53 UDP and TCP, the upstream default, which the caller must warn about.
/// </summary>
public static class DnsServers
{
    public static readonly IReadOnlyList<IntentPort> DefaultPorts =
        [IntentPort.Numeric(Protocol.Udp, 53, 53), IntentPort.Numeric(Protocol.Tcp, 53, 53)];

    public static DnsTarget Fallback { get; } = new("kube-system", new Dictionary<string, string>(StringComparer.Ordinal) { ["k8s-app"] = "kube-dns" },
        DefaultPorts, [], "assumed: no DNS server in the input");

    public static IReadOnlyList<DnsTarget> Find(NetworkModel model, Inventory inventory, WorkloadSelectors selectors)
    {
        var targets = new List<DnsTarget>();
        foreach (var service in model.Services.Where(s => (s.Namespace, s.Name) is ("kube-system", "kube-dns") or ("openshift-dns", "dns-default")))
        {
            var backends = model.WorkloadsIn(service.Namespace).Where(w => !w.HostNetwork && service.Selects(w)).ToList();
            if (backends.Count == 0)
            {
                continue;
            }

            var dnsPorts = service.Ports.Where(p => p.Port == 53 || (p.Name ?? string.Empty).Contains("dns", StringComparison.OrdinalIgnoreCase)).ToList();
            var ports = new List<IntentPort>();
            foreach (var p in dnsPorts)
            {
                var numbers = backends.SelectMany(b => p.TargetPortsOn(b)).Distinct().Order().ToList();
                ports.AddRange(numbers.Select(n => IntentPort.Numeric(p.Protocol, n, n)));
            }

            targets.Add(new DnsTarget(service.Namespace, service.Selector!, ports.Count > 0 ? Distinct(ports) : ContainerDnsPorts(backends),
                backends, $"Service {service.Namespace}/{service.Name} selects {string.Join(", ", backends.Select(b => b.Ref))}"));
        }

        if (targets.Count > 0)
        {
            return targets;
        }

        var specs = inventory.PodTemplates.ToLookup(t => t.Owner);
        foreach (var w in model.Workloads.Where(w => !w.HostNetwork && LooksLikeDns(w, specs[w.Source].FirstOrDefault())))
        {
            targets.Add(new DnsTarget(w.Namespace, selectors.For(w), ContainerDnsPorts([w]), [w], $"{w.Ref} looks like the cluster DNS"));
        }

        return targets;
    }

    private static bool LooksLikeDns(Workload w, PodTemplate? template) =>
        IsClusterDns(w) || (template?.Spec.Containers ?? []).Any(c => ImageName(c.Image) == "coredns");

    /// <summary>
    /// The cluster DNS by its labels or name: k8s-app=kube-dns in kube-system (CoreDNS and kube-dns keep that label),
    /// OpenShift's DNS daemon set, or a workload named like CoreDNS.
    /// </summary>
    public static bool IsClusterDns(Workload w) =>
        (w.Namespace == "kube-system" && w.Labels.TryGetValue("k8s-app", out var app) && app == "kube-dns") ||
        w.Labels.ContainsKey("dns.operator.openshift.io/daemonset-dns") || w.Name.Contains("coredns", StringComparison.OrdinalIgnoreCase);

    /// <summary>The last path segment of an image reference without tag or digest, lower-case.</summary>
    public static string ImageName(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return string.Empty;
        }

        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            name = name[..colon];
        }

        return name[(slash + 1)..].ToLowerInvariant();
    }

    private static IReadOnlyList<IntentPort> ContainerDnsPorts(IReadOnlyList<Workload> workloads)
    {
        var ports = workloads.SelectMany(w => w.Ports)
            .Where(p => p.Protocol != Protocol.Sctp && ((p.Name ?? string.Empty).StartsWith("dns", StringComparison.OrdinalIgnoreCase) || p.Port is 53 or 5353))
            .Select(p => IntentPort.Numeric(p.Protocol, p.Port, p.Port))
            .ToList();
        return ports.Count > 0 ? Distinct(ports) : DefaultPorts;
    }

    private static List<IntentPort> Distinct(IEnumerable<IntentPort> ports) =>
        ports.DistinctBy(p => p.ToString()).OrderBy(p => p.Protocol == Protocol.Udp ? 0 : 1).ThenBy(p => p.ToString(), StringComparer.Ordinal).ToList();
}
