using System.Runtime.CompilerServices;
using Bulwark.Rbac;
using Bulwark.Rbac.Risks;

namespace Bulwark.Rules.Rbac;

/// <summary>
/// A scan rule for one id of the RBAC risk catalog (RBAC.md section 2), backed by the risk engine: it reports the
/// engine's findings of that id at the role rule (or binding subject) where they are written, with the severity of
/// the scope they are bound in. Roles not in the input (Kubernetes' defaults), roles labelled
/// kubernetes.io/bootstrapping=rbac-defaults and the built-in ClusterRole cluster-admin are not reported; the
/// privileged namespaces are the sensitiveNamespaces parameter (default kube-system).
/// </summary>
public abstract class RiskRule : Rule
{
    private static readonly ConditionalWeakTable<Model.Inventory, Cached> Cache = new();

    /// <summary>The catalog id this rule reports.</summary>
    protected abstract string RiskId { get; }

    public override void Check(RuleContext context)
    {
        foreach (var finding in Findings(context))
        {
            if (finding.Risk != RiskId || finding.Object is not { } obj || finding.Role?.IsDefault == true || RiskEngine.IsBootstrap(obj) ||
                (finding.Role is { Kind: RoleKey.ClusterRoleKind, Name: "cluster-admin" }))
            {
                continue;
            }

            context.Report(obj, finding.Pointer, finding.Message, finding.Severity);
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
