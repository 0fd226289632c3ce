using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Network;

public sealed class DashboardExposed : Rule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "dashboard-exposed",
        Title = "Kubernetes dashboard is exposed outside the cluster",
        Severity = Severity.High,
        Layer = Layer.Network,
        Controls = ["NET-5"],
        Rationale = "The dashboard is a web front end to the API server; reachable from outside the cluster it is a favourite target (leaked cluster-admin sessions, skip-login deployments). " +
            "Bulwark finds the dashboard by image (kubernetesui/dashboard*, *kubernetes-dashboard*) or by workload name (kubernetes-dashboard*), and reports a LoadBalancer or NodePort Service whose selector matches its pods (every selector pair present in the pod labels, same namespace), and an Ingress in its namespace routing to such a Service or to a Service named kubernetes-dashboard*.",
        Remediation = "Keep the dashboard Service of type ClusterIP, reach it with kubectl port-forward or behind an authenticating proxy, and remove Ingress routes to it (or uninstall the dashboard).",
    };

    public override void Check(RuleContext context)
    {
        var dashboards = Dashboard.Pods(context).ToList();
        if (dashboards.Count == 0)
        {
            return;
        }

        var dashboardServices = new List<KubeObject>();
        foreach (var service in Dashboard.Services(context))
        {
            if (dashboards.FirstOrDefault(p => Dashboard.Selects(service, p)) is not { } pod)
            {
                continue;
            }

            dashboardServices.Add(service);
            var type = service.Root.GetMapping("spec")?.GetString("type");
            if (type is "LoadBalancer" or "NodePort")
            {
                context.Report(service, "/spec/type",
                    $"Service \"{service.Name}\" of type {type} exposes the Kubernetes dashboard {pod.Owner.Kind} \"{pod.Owner.Name}\" outside the cluster");
            }
        }

        var namespaces = dashboards.Select(p => p.Namespace).ToHashSet();
        foreach (var ingress in context.Inventory.OfKind("Ingress").Where(i => i.Group is "networking.k8s.io" or "extensions"))
        {
            if (!namespaces.Contains(ingress.Namespace))
            {
                continue;
            }

            foreach (var (pointer, serviceName) in Backends(ingress))
            {
                var routed = dashboardServices.Any(s => s.Name == serviceName && s.Namespace == ingress.Namespace) ||
                    (Dashboard.IsDashboardName(serviceName) && !Dashboard.Services(context).Any(s => s.Name == serviceName && s.Namespace == ingress.Namespace));
                if (routed)
                {
                    context.Report(ingress, pointer, $"Ingress \"{ingress.Name}\" routes to the Kubernetes dashboard Service \"{serviceName}\"");
                }
            }
        }
    }

    /// <summary>Every backend Service name of an Ingress (networking.k8s.io/v1 and the old serviceName form) with its pointer.</summary>
    private static IEnumerable<(string Pointer, string Service)> Backends(KubeObject ingress)
    {
        if (ingress.Root.GetMapping("spec") is not { } spec)
        {
            yield break;
        }

        foreach (var field in new[] { "defaultBackend", "backend" })
        {
            if (Backend(spec.GetMapping(field), "/spec/" + field) is { } b)
            {
                yield return b;
            }
        }

        var rules = spec.GetSequence("rules")?.Items ?? [];
        for (var r = 0; r < rules.Count; r++)
        {
            var paths = (rules[r] as MappingNode)?.GetMapping("http")?.GetSequence("paths")?.Items ?? [];
            for (var p = 0; p < paths.Count; p++)
            {
                if (Backend((paths[p] as MappingNode)?.GetMapping("backend"), $"/spec/rules/{r}/http/paths/{p}/backend") is { } b)
                {
                    yield return b;
                }
            }
        }
    }

    private static (string, string)? Backend(MappingNode? backend, string pointer)
    {
        if (backend?.GetMapping("service")?.GetString("name") is { } name)
        {
            return (pointer + "/service/name", name);
        }

        return backend?.GetString("serviceName") is { } old ? (pointer + "/serviceName", old) : null;
    }
}
