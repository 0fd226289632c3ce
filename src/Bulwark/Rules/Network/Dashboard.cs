using Bulwark.Model;

namespace Bulwark.Rules.Network;

/// <summary>
/// Finds the Kubernetes dashboard among the workloads (shared by the dashboard-* rules): an image of the
/// kubernetesui/dashboard family (dashboard, dashboard-api, dashboard-web, dashboard-auth) or named
/// kubernetes-dashboard*, or a workload named kubernetes-dashboard or kubernetes-dashboard-*; and the Services
/// selecting it (a Service selector matches pods whose labels contain every selector pair).
/// </summary>
public static class Dashboard
{
    public const string Name = "kubernetes-dashboard";

    public static IEnumerable<PodTemplate> Pods(RuleContext context) =>
        context.Inventory.PodTemplates.Where(IsDashboard);

    public static bool IsDashboard(PodTemplate pod) =>
        IsDashboardName(pod.Owner.Name) || pod.Containers.Any(c => IsDashboardImage(c.Image));

    public static bool IsDashboardName(string name) =>
        name == Name || name.StartsWith(Name + "-", StringComparison.Ordinal);

    public static bool IsDashboardImage(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return false;
        }

        var repository = image;
        var at = repository.IndexOf('@');
        if (at >= 0)
        {
            repository = repository[..at];
        }

        var lastSlash = repository.LastIndexOf('/');
        var colon = repository.LastIndexOf(':');
        if (colon > lastSlash)
        {
            repository = repository[..colon];
        }

        var last = repository[(lastSlash + 1)..];
        return repository.Contains("kubernetesui/dashboard", StringComparison.Ordinal) || last.StartsWith(Name, StringComparison.Ordinal);
    }

    /// <summary>Whether a Service (same namespace, non-empty selector) selects the pod.</summary>
    public static bool Selects(KubeObject service, PodTemplate pod)
    {
        if (service.Namespace != pod.Namespace || service.Root.GetMapping("spec")?.GetMapping("selector") is not { Count: > 0 } selector)
        {
            return false;
        }

        var labels = pod.Metadata?.Labels;
        if (labels is null)
        {
            return false;
        }

        foreach (var (key, value) in selector.Entries)
        {
            var wanted = value is ScalarNode { IsNull: false } s ? s.Value : string.Empty;
            if (!labels.TryGetValue(key.Value, out var actual) || actual != wanted)
            {
                return false;
            }
        }

        return true;
    }

    public static IEnumerable<KubeObject> Services(RuleContext context) => context.Inventory.OfKind(string.Empty, "Service");

    /// <summary>The dashboard pod a Service selects, if any.</summary>
    public static PodTemplate? SelectedBy(RuleContext context, KubeObject service) =>
        Pods(context).FirstOrDefault(p => Selects(service, p));
}
