using System.Globalization;
using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Network.AdminPolicies;
using Bulwark.Network.Policies;
using Bulwark.Network.Sets;

namespace Bulwark.Network.Model;

/// <summary>
/// Builds the <see cref="NetworkModel"/> from an inventory. Workloads: every object that runs pods (the pod
/// template locator's kinds and any CRD with <c>spec.template.spec</c>) except core PodTemplates; an object owned
/// (ownerReferences, the controller reference first) by another pod-running object of the input is folded into
/// its top owner (Pod → ReplicaSet → Deployment, Job → CronJob). Pods whose owner is absent are grouped by that
/// owner reference when they look alike (same labels apart from per-pod ones, ports and hostNetwork); other pods
/// stand for themselves. An object without a namespace is in <c>default</c>.
/// </summary>
internal static class NetworkModelBuilder
{
    /// <summary>Labels that differ between the pods of one controller; ignored when grouping pods of an absent owner.</summary>
    private static readonly HashSet<string> PerPodLabels = new(StringComparer.Ordinal)
    {
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
    };

    public static NetworkModel Build(Inventory inventory)
    {
        var problems = new List<NetworkProblem>();
        var workloads = BuildWorkloads(inventory, problems);
        var services = new List<NetworkService>();
        var policies = new List<NetworkPolicyV1>();
        var others = new List<OtherPolicyObject>();
        var admin = new List<AdminPolicy>();
        var seenPolicies = new HashSet<(string, string)>();
        var seenAdmin = new HashSet<(string, string)>();
        foreach (var obj in inventory.Objects)
        {
            if (NetworkPolicyReader.IsNetworkPolicy(obj))
            {
                if (!seenPolicies.Add((obj.Namespace ?? "default", obj.Name)))
                {
                    problems.Add(new NetworkProblem(InputErrorLevel.Warning, obj, "/metadata/name",
                        $"NetworkPolicy {obj.Namespace ?? "default"}/{obj.Name} is defined twice; the first definition is used"));
                    continue;
                }

                if (NetworkPolicyReader.Read(obj, policies.Count, problems) is { } policy)
                {
                    policies.Add(policy);
                }
            }
            else if (obj.Kind == "Service" && obj.Group.Length == 0)
            {
                services.Add(ReadService(obj));
            }
            else if (PolicyKinds.Recognise(obj) is { } other)
            {
                others.Add(other);
                if (AdminPolicyReader.IsEvaluated(obj))
                {
                    if (!seenAdmin.Add((obj.Kind, obj.Name)))
                    {
                        problems.Add(new NetworkProblem(InputErrorLevel.Warning, obj, "/metadata/name",
                            $"{obj.Kind} {obj.Name} is defined twice; the first definition is used"));
                    }
                    else if (AdminPolicyReader.Read(obj, problems) is { } adminPolicy)
                    {
                        admin.Add(adminPolicy);
                    }
                }
            }
        }

        var namespaces = BuildNamespaces(inventory, workloads, services, policies);
        return new NetworkModel(namespaces, workloads, services, policies, others, problems) { AdminPolicies = admin };
    }

    private static Dictionary<string, NetworkNamespace> BuildNamespaces(Inventory inventory, List<Workload> workloads,
        List<NetworkService> services, List<NetworkPolicyV1> policies)
    {
        var result = new Dictionary<string, NetworkNamespace>(StringComparer.Ordinal);
        foreach (var ns in inventory.OfKind(string.Empty, "Namespace"))
        {
            if (ns.Name.Length == 0 || result.ContainsKey(ns.Name))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in ns.Labels?.Entries ?? [])
            {
                labels[entry.Key.Value] = entry.Value is ScalarNode { IsNull: false } v ? v.Value : string.Empty;
            }

            labels[NetworkNamespace.NameLabel] = ns.Name; // set (and enforced) by the API server
            result[ns.Name] = new NetworkNamespace(ns.Name, labels, ns);
        }

        foreach (var name in workloads.Select(w => w.Namespace).Concat(services.Select(s => s.Namespace)).Concat(policies.Select(p => p.Namespace)))
        {
            if (!result.ContainsKey(name))
            {
                result[name] = new NetworkNamespace(name, new Dictionary<string, string>(StringComparer.Ordinal) { [NetworkNamespace.NameLabel] = name }, null);
            }
        }

        return result;
    }

    private sealed record Candidate(PodTemplate Template, string Namespace, Dictionary<string, string> Labels, List<ContainerPortSpec> Ports, bool HostNetwork);

    private static List<Workload> BuildWorkloads(Inventory inventory, List<NetworkProblem> problems)
    {
        var templates = new Dictionary<(string Kind, string Namespace, string Name), Candidate>();
        var order = new List<Candidate>();
        foreach (var pt in inventory.PodTemplates)
        {
            if (pt.Owner.Kind == "PodTemplate" && pt.Owner.Group.Length == 0)
            {
                continue; // a template object runs no pods
            }

            var ns = pt.Owner.Namespace ?? "default";
            var candidate = new Candidate(pt, ns, Labels(pt), Ports(pt), pt.Spec.HostNetwork == true);
            if (!templates.TryAdd((pt.Owner.Kind, ns, pt.Owner.Name), candidate))
            {
                problems.Add(new NetworkProblem(InputErrorLevel.Warning, pt.Owner, "/metadata/name",
                    $"{pt.Owner.Kind} {ns}/{pt.Owner.Name} is defined twice; the first definition is used"));
                continue;
            }

            order.Add(candidate);
        }

        // Fold every object into its top owner present in the input.
        var members = new Dictionary<Candidate, List<Candidate>>();
        var orphans = new Dictionary<(string Namespace, string Kind, string Name), List<Candidate>>();
        var tops = new List<Candidate>();
        foreach (var c in order)
        {
            var top = c;
            var reference = ControllerRef(c.Template.Owner);
            var directOwnerMissing = reference is not null && !templates.ContainsKey((reference.Value.Kind, c.Namespace, reference.Value.Name));
            for (var depth = 0; depth < 16 && ControllerRef(top.Template.Owner) is { } owner &&
                templates.TryGetValue((owner.Kind, top.Namespace, owner.Name), out var parent) && parent != c; depth++)
            {
                top = parent;
            }

            if (top != c)
            {
                if (!members.TryGetValue(top, out var list))
                {
                    members[top] = list = new List<Candidate>();
                }

                list.Add(c);
            }
            else if (directOwnerMissing && c.Template.Owner.Kind == "Pod")
            {
                var key = (c.Namespace, reference!.Value.Kind, reference.Value.Name);
                if (!orphans.TryGetValue(key, out var list))
                {
                    orphans[key] = list = new List<Candidate>();
                    tops.Add(c); // placeholder: the group is resolved below at the first pod's place
                }

                list.Add(c);
            }
            else
            {
                tops.Add(c);
            }
        }

        var built = new List<(WorkloadRef Ref, Candidate Main, Dictionary<string, string> Labels, List<KubeObject> Pods)>();
        var placed = new HashSet<(string, string, string)>();
        foreach (var top in tops)
        {
            var reference = ControllerRef(top.Template.Owner);
            if (top.Template.Owner.Kind == "Pod" && reference is { } r && orphans.TryGetValue((top.Namespace, r.Kind, r.Name), out var group))
            {
                if (!placed.Add((top.Namespace, r.Kind, r.Name)))
                {
                    continue;
                }

                var common = CommonLabels(group);
                if (common is not null && group.All(p => SamePorts(p, group[0]) && p.HostNetwork == group[0].HostNetwork))
                {
                    built.Add((new WorkloadRef(top.Namespace, r.Kind, r.Name), group[0], common, group.Select(p => p.Template.Owner).ToList()));
                }
                else
                {
                    foreach (var pod in group)
                    {
                        built.Add((new WorkloadRef(pod.Namespace, "Pod", pod.Template.Owner.Name), pod, pod.Labels, [pod.Template.Owner]));
                    }
                }

                continue;
            }

            var pods = new List<KubeObject>();
            if (top.Template.Owner.Kind == "Pod")
            {
                pods.Add(top.Template.Owner);
            }

            foreach (var m in members.GetValueOrDefault(top) ?? [])
            {
                if (m.Template.Owner.Kind == "Pod")
                {
                    pods.Add(m.Template.Owner);
                }
            }

            built.Add((new WorkloadRef(top.Namespace, top.Template.Owner.Kind, top.Template.Owner.Name), top, top.Labels, pods));
        }

        built.Sort((a, b) => a.Ref.CompareTo(b.Ref));
        var workloads = new List<Workload>(built.Count);
        foreach (var (reference, main, labels, pods) in built)
        {
            var addresses = pods.SelectMany(PodAddresses).ToList();
            workloads.Add(new Workload(workloads.Count, reference, labels, main.Ports, main.HostNetwork, main.Template.Owner,
                main.Template.MetadataPointer, pods, addresses));
        }

        return workloads;
    }

    private static Dictionary<string, string>? CommonLabels(List<Candidate> pods)
    {
        static IEnumerable<KeyValuePair<string, string>> Stable(Dictionary<string, string> labels) =>
            labels.Where(kv => !PerPodLabels.Contains(kv.Key));

        var first = Stable(pods[0].Labels).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var pod in pods.Skip(1))
        {
            var other = Stable(pod.Labels).ToList();
            if (other.Count != first.Count || other.Any(kv => !first.TryGetValue(kv.Key, out var v) || v != kv.Value))
            {
                return null;
            }
        }

        return first;
    }

    private static bool SamePorts(Candidate a, Candidate b) => a.Ports.SequenceEqual(b.Ports);

    /// <summary>The owner reference to follow: the controller reference, else the first.</summary>
    private static (string Kind, string Name)? ControllerRef(KubeObject obj)
    {
        if (obj.Metadata?.GetSequence("ownerReferences") is not { Items.Count: > 0 } refs)
        {
            return null;
        }

        var chosen = refs.Items.OfType<MappingNode>().FirstOrDefault(r => r.Get("controller") is ScalarNode { Kind: ScalarKind.Bool } b &&
            Loading.ScalarResolver.ToBool(b.Value)) ?? refs.Items.OfType<MappingNode>().FirstOrDefault();
        return chosen?.GetString("kind") is { } kind && chosen.GetString("name") is { } name ? (kind, name) : null;
    }

    private static Dictionary<string, string> Labels(PodTemplate pt)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pt.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            labels[key] = value ?? string.Empty;
        }

        return labels;
    }

    /// <summary>Container ports of the containers and of restartable (sidecar) init containers; protocol defaults to TCP.</summary>
    private static List<ContainerPortSpec> Ports(PodTemplate pt)
    {
        var ports = new List<ContainerPortSpec>();
        var containers = (pt.Spec.Containers ?? []).Select(c => c.Ports)
            .Concat((pt.Spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always").Select(c => c.Ports));
        foreach (var list in containers)
        {
            foreach (var p in list ?? [])
            {
                if (p.ContainerPort is < 1 or > 65535)
                {
                    continue;
                }

                if (!Protocols.TryParse(p.Protocol ?? "TCP", out var protocol))
                {
                    continue;
                }

                ports.Add(new ContainerPortSpec(string.IsNullOrEmpty(p.Name) ? null : p.Name, p.ContainerPort, protocol));
            }
        }

        return ports;
    }

    private static IEnumerable<IpRange> PodAddresses(KubeObject pod)
    {
        var status = pod.Root.GetMapping("status");
        var texts = new List<string>();
        foreach (var item in status?.GetSequence("podIPs")?.Items ?? [])
        {
            if (item is MappingNode m && m.GetString("ip") is { } ip)
            {
                texts.Add(ip);
            }
        }

        if (texts.Count == 0 && status?.GetString("podIP") is { } single)
        {
            texts.Add(single);
        }

        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            if (Cidr.TryParseAddress(text, out var family, out var value))
            {
                yield return new IpRange(family, value, value);
            }
        }
    }

    private static NetworkService ReadService(KubeObject obj)
    {
        var spec = obj.Root.GetMapping("spec");
        Dictionary<string, string>? selector = null;
        if (spec?.GetMapping("selector") is { } sel)
        {
            selector = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in sel.Entries)
            {
                selector[e.Key.Value] = e.Value is ScalarNode { IsNull: false } v ? v.Value : string.Empty;
            }
        }

        var ports = new List<ServicePortSpec>();
        foreach (var item in spec?.GetSequence("ports")?.Items ?? [])
        {
            if (item is not MappingNode p || !int.TryParse(p.GetString("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ||
                !Protocols.TryParse(p.GetString("protocol") ?? "TCP", out var protocol))
            {
                continue;
            }

            int? target = null;
            string? targetName = null;
            if (p.Get("targetPort") is ScalarNode { IsNull: false } t)
            {
                if (t.Kind == ScalarKind.Int && int.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    target = n;
                }
                else
                {
                    targetName = t.Value;
                }
            }

            ports.Add(new ServicePortSpec(p.GetString("name"), port, protocol, target, targetName));
        }

        return new NetworkService(obj.Namespace ?? "default", obj.Name, selector, ports, spec?.GetString("type"), obj);
    }
}
