using System.Runtime.CompilerServices;
using Bulwark.Rbac;
using Bulwark.Rbac.Risks;

namespace Bulwark.Rules.Rbac;

/// <summary>
/// A scan rule for one id of the RBAC risk catalog (RBAC.md section 2), backed by the risk engine: it reports the
/// engine's findings of that id at the role rule (or binding subject) where they are written, with the severity of
/// the scope they are bound in. A risk of one of Kubernetes' default roles that the input does not contain (say
/// `edit`) is reported at the roleRef of each binding of the input that grants it, once per binding with the worst
/// severity, unless every subject of the binding is a system identity (the control plane's own grants). Objects labelled kubernetes.io/bootstrapping=rbac-defaults and the built-in ClusterRole cluster-admin
/// (reported by rbac-cluster-admin-binding) are not reported; the privileged namespaces are the sensitiveNamespaces
/// parameter (default kube-system).
/// </summary>
public abstract class RiskRule : Rule
{
    private static readonly ConditionalWeakTable<Model.Inventory, Cached> Cache = new();

    /// <summary>The catalog id this rule reports.</summary>
    protected abstract string RiskId { get; }

    public override void Check(RuleContext context)
    {
        // Risks of Kubernetes' default roles (not in the input) are reported at each input binding that grants them.
        var defaultRoles = new List<(RbacBinding Binding, RbacRole Role)>();
        var systemNamespaces = context.Parameters.SystemNamespaces;
        foreach (var finding in Findings(context))
        {
            if (finding.Risk != RiskId || (finding.Role is { Kind: RoleKey.ClusterRoleKind, Name: "cluster-admin" }))
            {
                continue;
            }

            if (finding.Role is { IsDefault: true } role)
            {
                foreach (var holders in finding.Holders.GroupBy(h => h.Binding))
                {
                    // The control plane's own grants (every subject a system identity) are Kubernetes' design, not a finding.
                    if (holders.Key.Source is not null && !RiskEngine.IsBootstrap(holders.Key.Source) && !holders.All(h => h.IsSystem(systemNamespaces)))
                    {
                        defaultRoles.Add((holders.Key, role));
                    }
                }

                continue;
            }

            if (finding.Object is not { } obj || RiskEngine.IsBootstrap(obj))
            {
                continue;
            }

            context.Report(obj, finding.Pointer, finding.Message, finding.Severity);
        }

        if (defaultRoles.Count > 0)
        {
            ReportDefaultRoles(context, defaultRoles);
        }
    }

    /// <summary>
    /// One finding per binding: the worst rule of the default roles it grants (an aggregated role such as edit grants
    /// the rules of the roles it aggregates), judged in the binding's own scope.
    /// </summary>
    private void ReportDefaultRoles(RuleContext context, List<(RbacBinding Binding, RbacRole Role)> defaultRoles)
    {
        var detector = RiskCatalog.RuleDetectors.First(d => d.Id == RiskId);
        var privileged = context.Parameters.SensitiveNamespaces;
        foreach (var group in defaultRoles.GroupBy(e => e.Binding).OrderBy(g => g.Key.Order))
        {
            var binding = group.Key;
            var ns = binding.IsClusterRoleBinding ? string.Empty : binding.Namespace;
            var scope = new RiskScope(ns, ns.Length > 0 && privileged.Contains(ns));
            (RiskMatch Match, RbacRole Role, PolicyRule Rule)? worst = null;
            foreach (var role in group.Select(e => e.Role).Distinct())
            {
                foreach (var rule in role.Rules)
                {
                    if (detector.Detect(role, rule, scope) is { } match && (worst is null || match.Severity > worst.Value.Match.Severity))
                    {
                        worst = (match, role, rule);
                    }
                }
            }

            if (worst is { } w)
            {
                var through = w.Role.Key == binding.RoleRef ? string.Empty : $" (which aggregates {w.Role.Key})";
                context.Report(binding.Source!, "/roleRef/name",
                    $"binds Kubernetes' default {binding.RoleRef}{through} {scope}: rule {w.Rule.Index} of {w.Role.Key} {w.Match.Detail}", w.Match.Severity);
            }
        }
    }

    private static IReadOnlyList<RiskFinding> Findings(RuleContext context)
    {
        var parameters = context.Parameters;
        if (Cache.TryGetValue(context.Inventory, out var cached) && ReferenceEquals(cached.Parameters, parameters))
        {
            return cached.Findings;
        }

        var model = RbacModel.Build(context.Inventory);
        var findings = RiskEngine.Analyze(model, new RiskOptions
        {
            PrivilegedNamespaces = parameters.SensitiveNamespaces,
            SystemNamespaces = parameters.SystemNamespaces,
        });
        Cache.AddOrUpdate(context.Inventory, new Cached(parameters, findings));
        return findings;
    }

    private sealed record Cached(Config.RuleParameters Parameters, IReadOnlyList<RiskFinding> Findings);
}
