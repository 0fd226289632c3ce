using System.Globalization;
using Bulwark.Model;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Generation;

/// <summary>What to generate from: the Services of the input (<see cref="Connections"/> null) or a list of intended connections.</summary>
public sealed record GenerationRequest
{
    /// <summary>The intended connections (from a connections file); null to infer them from the Services.</summary>
    public IReadOnlyList<Intent>? Connections { get; init; }

    /// <summary>Generate the per-namespace DNS egress (allow-dns). Default true.</summary>
    public bool Dns { get; init; } = true;
}

/// <summary>The generated policies, the intended connections they are meant to allow, and what the generator noticed.</summary>
public sealed class GenerationResult
{
    internal GenerationResult(IReadOnlyList<GeneratedPolicy> policies, IReadOnlyList<Intent> intents, IReadOnlyList<DnsTarget> dns,
        IReadOnlySet<string> governed, IReadOnlyList<string> warnings, IReadOnlyList<string> notes)
    {
        Policies = policies;
        Intents = intents;
        DnsTargets = dns;
        Governed = governed;
        Warnings = warnings;
        Notes = notes;
    }

    public IReadOnlyList<GeneratedPolicy> Policies { get; }

    /// <summary>Every intended connection, DNS included.</summary>
    public IReadOnlyList<Intent> Intents { get; }

    public IReadOnlyList<DnsTarget> DnsTargets { get; }

    /// <summary>The namespaces given a default deny (and so governed by the generated policies).</summary>
    public IReadOnlySet<string> Governed { get; }

    /// <summary>Things to check before applying (DNS fallback, ambiguous selectors, hostNetwork ends, unresolved ports).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>What was found and decided (DNS servers, namespaces left alone).</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>
/// Generates least-privilege NetworkPolicies (spec/NETPOL.md section 6): per namespace with workloads a
/// <c>default-deny</c> (ingress and egress, <c>podSelector: {}</c>) and an <c>allow-dns</c> egress to the real DNS pods;
/// per workload a <c>NAME-ingress</c> and a <c>NAME-egress</c> policy allowing exactly the intended connections, peers
/// written as a namespace selector by <c>kubernetes.io/metadata.name</c> and a pod selector in one peer. System
/// namespaces (kube-system, kube-public, kube-node-lease) and the DNS server's namespace get no policy: a default deny
/// there needs the cluster's own knowledge (API server, upstream DNS) and can break the cluster.
/// </summary>
public static class PolicyGeneration
{
    public static readonly IReadOnlySet<string> SystemNamespaces = new HashSet<string>(StringComparer.Ordinal) { "kube-system", "kube-public", "kube-node-lease" };

    private static readonly string[] IngressControllerImages =
        ["ingress-nginx", "nginx-ingress", "traefik", "haproxy-ingress", "kubernetes-ingress", "contour", "kong", "ingress-controller"];

    public static GenerationResult Generate(NetworkModel model, Inventory inventory, GenerationRequest request)
    {
        var warnings = new List<string>();
        var notes = new List<string>();
        var selectors = new WorkloadSelectors(model);

        IReadOnlyList<DnsTarget> dns = [];
        if (request.Dns)
        {
            dns = DnsServers.Find(model, inventory, selectors);
            if (dns.Count == 0)
            {
                dns = [DnsServers.Fallback];
                warnings.Add("no DNS server found in the input (the Service kube-system/kube-dns, kube-system pods labelled k8s-app=kube-dns, CoreDNS): " +
                    "allow-dns assumes pods labelled k8s-app=kube-dns in namespace kube-system on port 53 UDP and TCP; check the labels with " +
                    "`kubectl get pods -n kube-system -l k8s-app=kube-dns --show-labels` before applying");
            }
            else
            {
                foreach (var target in dns)
                {
                    notes.Add($"DNS: {target.Evidence}; allow-dns selects pods {LabelText(target.PodLabels)} in namespace {target.Namespace} on {string.Join(", ", target.Ports)}");
                }
            }
        }

        var governed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ns in model.Workloads.Select(w => w.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (SystemNamespaces.Contains(ns))
            {
                notes.Add($"namespace {ns}: no policy generated (system namespace: a default deny there needs rules only the cluster knows, such as the API server's addresses)");
            }
            else if (dns.Any(t => !t.IsFallback && t.Namespace == ns))
            {
                notes.Add($"namespace {ns}: no policy generated (it runs the DNS server, which needs to reach upstream resolvers)");
            }
            else
            {
                governed.Add(ns);
            }
        }

        var intents = new List<Intent>();
        intents.AddRange(request.Connections ?? FromServices(model, inventory, warnings));
        foreach (var w in model.Workloads.Where(w => governed.Contains(w.Namespace)))
        {
            foreach (var target in dns)
            {
                foreach (var server in target.Workloads.Where(s => s != w))
                {
                    intents.Add(new Intent(new WorkloadEnd(w), new WorkloadEnd(server), target.Ports, "DNS", Dns: true));
                }
            }
        }

        Check(intents, selectors, governed, warnings);
        var policies = Build(model, intents, dns, governed, selectors);
        return new GenerationResult(policies, intents, dns, governed, warnings, notes);
    }

    /// <summary>Intended connections inferred from the Services: clients of each Service, public Services, Ingress backends.</summary>
    public static IReadOnlyList<Intent> FromServices(NetworkModel model, Inventory inventory, List<string> warnings)
    {
        var intents = new List<Intent>();
        var clients = new ServiceClients(model, inventory);
        foreach (var use in clients.Find())
        {
            foreach (var backend in Backends(model, use.Service).Where(b => b != use.Client))
            {
                if (Ports(use.Ports ?? use.Service.Ports, backend, use.Service, warnings) is { Count: > 0 } ports)
                {
                    intents.Add(new Intent(new WorkloadEnd(use.Client), new WorkloadEnd(backend), ports,
                        $"{use.Client.Ref} uses Service {use.Service.Namespace}/{use.Service.Name}: {use.Evidence}"));
                }
            }
        }

        warnings.AddRange(clients.Warnings.Distinct(StringComparer.Ordinal));
        foreach (var service in model.Services.Where(s => s.Type is "LoadBalancer" or "NodePort"))
        {
            foreach (var backend in Backends(model, service))
            {
                if (Ports(service.Ports, backend, service, warnings) is { Count: > 0 } ports)
                {
                    intents.Add(new Intent(AnywhereEnd.Instance, new WorkloadEnd(backend), ports,
                        $"Service {service.Namespace}/{service.Name} is of type {service.Type}: open to every source"));
                }
            }
        }

        var templates = inventory.PodTemplates.ToLookup(t => t.Owner);
        var controllers = model.Workloads.Where(w => !w.HostNetwork && IsIngressController(w, templates[w.Source].FirstOrDefault())).ToList();
        foreach (var ingress in inventory.OfKind("networking.k8s.io", "Ingress"))
        {
            var ns = ingress.Namespace ?? "default";
            foreach (var (serviceName, number, portName) in IngressBackends(ingress))
            {
                var service = model.Services.FirstOrDefault(s => s.Namespace == ns && s.Name == serviceName);
                if (service is null)
                {
                    warnings.Add($"Ingress {ns}/{ingress.Name}: backend Service {serviceName} is not in the input");
                    continue;
                }

                var servicePorts = service.Ports.Where(p => number is null && portName is null || p.Port == number || (portName is not null && p.Name == portName)).ToList();
                if (servicePorts.Count == 0)
                {
                    warnings.Add($"Ingress {ns}/{ingress.Name}: Service {ns}/{serviceName} has no port {number?.ToString(CultureInfo.InvariantCulture) ?? portName}");
                    continue;
                }

                foreach (var backend in Backends(model, service))
                {
                    if (Ports(servicePorts, backend, service, warnings) is not { Count: > 0 } ports)
                    {
                        continue;
                    }

                    if (controllers.Count == 0)
                    {
                        intents.Add(new Intent(AnywhereEnd.Instance, new WorkloadEnd(backend), ports,
                            $"Ingress {ns}/{ingress.Name} routes to Service {ns}/{serviceName}, and no ingress controller is in the input: open to every source"));
                    }

                    foreach (var controller in controllers.Where(c => c != backend))
                    {
                        intents.Add(new Intent(new WorkloadEnd(controller), new WorkloadEnd(backend), ports,
                            $"Ingress {ns}/{ingress.Name} routes to Service {ns}/{serviceName} through the ingress controller {controller.Ref}"));
                    }
                }
            }
        }

        return intents.DistinctBy(i => (i.Source, i.Destination, i.PortsKey)).ToList();
    }

    private static List<Workload> Backends(NetworkModel model, NetworkService service) =>
        model.WorkloadsIn(service.Namespace).Where(service.Selects).ToList();

    /// <summary>The ports a Service reaches on a backend: its targetPort names (resolved there) or numbers.</summary>
    private static List<IntentPort> Ports(IEnumerable<ServicePortSpec> servicePorts, Workload backend, NetworkService service, List<string> warnings)
    {
        var ports = new List<IntentPort>();
        foreach (var p in servicePorts)
        {
            if (p.TargetPortName is { } name)
            {
                var numbers = backend.PortsNamed(name, p.Protocol).ToList();
                if (numbers.Count == 0)
                {
                    warnings.Add($"Service {service.Namespace}/{service.Name}: targetPort \"{name}\" ({p.Protocol.Name()}) names no container port of {backend.Ref}; that port is left out");
                    continue;
                }

                ports.Add(new IntentPort(p.Protocol, name, PortSet.FromRanges(numbers.Select(n => (n, n)))));
            }
            else
            {
                var target = p.TargetPort ?? p.Port;
                ports.Add(IntentPort.Numeric(p.Protocol, target, target));
            }
        }

        return ports.DistinctBy(p => p.ToString()).ToList();
    }

    private static bool IsIngressController(Workload workload, PodTemplate? template) =>
        workload.Name.Contains("ingress-nginx", StringComparison.OrdinalIgnoreCase) ||
        workload.Name.Contains("ingress-controller", StringComparison.OrdinalIgnoreCase) ||
        (template?.Spec.Containers ?? []).Any(c => c.Image is { } image && IngressControllerImages.Any(i => image.Contains(i, StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<(string Service, int? Number, string? PortName)> IngressBackends(KubeObject ingress)
    {
        var spec = ingress.Root.GetMapping("spec");
        var backends = new List<MappingNode>();
        if (spec?.GetMapping("defaultBackend")?.GetMapping("service") is { } defaultService)
        {
            backends.Add(defaultService);
        }

        foreach (var rule in spec?.GetSequence("rules")?.Items.OfType<MappingNode>() ?? [])
        {
            foreach (var path in rule.GetMapping("http")?.GetSequence("paths")?.Items.OfType<MappingNode>() ?? [])
            {
                if (path.GetMapping("backend")?.GetMapping("service") is { } service)
                {
                    backends.Add(service);
                }
            }
        }

        foreach (var service in backends)
        {
            if (service.GetString("name") is not { } name)
            {
                continue;
            }

            var port = service.GetMapping("port");
            int? number = int.TryParse(port?.GetString("number"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            yield return (name, number, port?.GetString("name"));
        }
    }

    /// <summary>Warns about intended ends the policies cannot single out: shared labels, hostNetwork pods.</summary>
    private static void Check(List<Intent> intents, WorkloadSelectors selectors, IReadOnlySet<string> governed, List<string> warnings)
    {
        var ends = intents.SelectMany(i => new[] { i.Source, i.Destination }).OfType<WorkloadEnd>().Select(e => e.Workload).Distinct().OrderBy(w => w.Ref).ToList();
        var reported = new HashSet<Workload>();
        foreach (var w in ends)
        {
            if (w.HostNetwork)
            {
                warnings.Add($"{w.Ref} uses hostNetwork: NetworkPolicy's effect on its pods is implementation-defined, so its intended connections cannot be verified");
            }

            var others = selectors.Ambiguous(w);
            if (others.Count > 0 && reported.Add(w) && governed.Contains(w.Namespace))
            {
                foreach (var o in others)
                {
                    reported.Add(o);
                }

                warnings.Add($"{w.Ref} cannot be told apart from {string.Join(", ", others.Select(o => o.Ref))} by labels ({LabelText(selectors.For(w))}): " +
                    "the rules generated for one also apply to the other; give them distinct labels");
            }
        }
    }

    private static List<GeneratedPolicy> Build(NetworkModel model, List<Intent> intents, IReadOnlyList<DnsTarget> dns, IReadOnlySet<string> governed, WorkloadSelectors selectors)
    {
        var policies = new List<GeneratedPolicy>();
        var none = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ns in governed)
        {
            policies.Add(new GeneratedPolicy(ns, "default-deny", none, ingress: true, egress: true,
                $"Deny every ingress and egress connection of the pods of namespace {ns} that no other policy allows."));
            if (dns.Count > 0)
            {
                var allowDns = new GeneratedPolicy(ns, "allow-dns", none, ingress: false, egress: true,
                    $"Let every pod of namespace {ns} query the cluster DNS.");
                foreach (var target in dns)
                {
                    allowDns.EgressRules.Add(new GeneratedRule(
                        [new GeneratedPeer(NamespaceSelector(target.Namespace), target.PodLabels, null, $"{target.Namespace} {LabelText(target.PodLabels)}")],
                        target.Ports.SelectMany(Ports).ToList(),
                        [target.IsFallback ? "DNS (assumed labels: no DNS server in the input)" : $"DNS: {target.Evidence}"]));
                }

                policies.Add(allowDns);
            }

            var workloads = model.WorkloadsIn(ns).OrderBy(w => w.Ref).ToList();
            foreach (var w in workloads)
            {
                var baseName = workloads.Count(o => o.Name == w.Name) > 1 ? $"{w.Name}-{w.Kind.ToLowerInvariant()}" : w.Name;
                var incoming = intents.Where(i => !i.Dns && i.Destination is WorkloadEnd d && d.Workload == w && i.Source != i.Destination).ToList();
                if (incoming.Count > 0)
                {
                    var policy = new GeneratedPolicy(ns, baseName + "-ingress", selectors.For(w), ingress: true, egress: false,
                        $"Allow the connections {w.Ref} needs to accept.");
                    policy.IngressRules.AddRange(Rules(incoming, i => i.Source, selectors));
                    policies.Add(policy);
                }

                var outgoing = intents.Where(i => !i.Dns && i.Source is WorkloadEnd s && s.Workload == w && i.Source != i.Destination && i.Destination is not AnywhereEnd).ToList();
                if (outgoing.Count > 0)
                {
                    var policy = new GeneratedPolicy(ns, baseName + "-egress", selectors.For(w), ingress: false, egress: true,
                        $"Allow the connections {w.Ref} needs to open.");
                    policy.EgressRules.AddRange(Rules(outgoing, i => i.Destination, selectors));
                    policies.Add(policy);
                }
            }
        }

        return policies;
    }

    /// <summary>One rule per set of ports, with every peer that uses exactly those ports; a rule from anywhere has no peers.</summary>
    private static IEnumerable<GeneratedRule> Rules(List<Intent> intents, Func<Intent, IntentEnd> peerOf, WorkloadSelectors selectors)
    {
        var groups = intents.GroupBy(i => (Anywhere: peerOf(i) is AnywhereEnd, i.PortsKey))
            .OrderBy(g => g.Key.Anywhere ? 0 : 1).ThenBy(g => g.Key.PortsKey, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var ports = group.First().Ports is { } list ? list.SelectMany(Ports).ToList() : null;
            var comments = group.Select(i => i.Reason).Distinct(StringComparer.Ordinal).ToList();
            if (group.Key.Anywhere)
            {
                yield return new GeneratedRule(null, ports, comments);
                continue;
            }

            var peers = group.SelectMany(i => Peers(peerOf(i), selectors)).DistinctBy(p => p.Describe).OrderBy(p => p.Describe, StringComparer.Ordinal).ToList();
            yield return new GeneratedRule(peers, ports, comments);
        }
    }

    private static IEnumerable<GeneratedPeer> Peers(IntentEnd end, WorkloadSelectors selectors)
    {
        switch (end)
        {
            case WorkloadEnd w:
                var labels = selectors.For(w.Workload);
                yield return new GeneratedPeer(NamespaceSelector(w.Workload.Namespace), labels, null, $"{w.Workload.Namespace} {LabelText(labels)}");
                break;
            case AddressEnd a:
                foreach (var block in CidrCover.Blocks(a.Addresses))
                {
                    yield return new GeneratedPeer(null, null, block, $"~{block.Cidr}");
                }

                break;
        }
    }

    private static IEnumerable<GeneratedPort> Ports(IntentPort port) =>
        port.Name is { } name
            ? [new GeneratedPort(port.Protocol, name, null, null)]
            : port.Numbers.Ranges.Select(r => new GeneratedPort(port.Protocol, null, r.From, r.To == r.From ? null : r.To));

    private static Dictionary<string, string> NamespaceSelector(string ns) => new(StringComparer.Ordinal) { [NetworkNamespace.NameLabel] = ns };

    public static string LabelText(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "(every pod)" : string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
