using Bulwark.Findings;
using Bulwark.Model;

namespace Bulwark.Rules.Network;

public sealed class DashboardInsecureLogin : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "dashboard-insecure-login",
        Title = "Kubernetes dashboard allows skipping or insecure login",
        Severity = Severity.Critical,
        Layer = Layer.Network,
        Controls = ["NET-5"],
        Rationale = "The --enable-skip-login flag lets anyone who reaches the dashboard act with its own service account, without any credential; the --enable-insecure-login flag accepts logins over plain HTTP, where tokens can be sniffed. " +
            "A flag counts when given bare or as =true (Go flag syntax); =false is fine. Only dashboard containers are checked (see dashboard-exposed for how the dashboard is found).",
        Remediation = "Remove --enable-skip-login and --enable-insecure-login from the dashboard's args and require token or OIDC login over HTTPS.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (!Dashboard.IsDashboard(pod))
        {
            return;
        }

        foreach (var (list, field) in new[] { (container.Args, "args"), (container.Command, "command") })
        {
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                var arg = list![i].Trim();
                foreach (var flag in new[] { "enable-skip-login", "enable-insecure-login" })
                {
                    if (IsEnabled(arg, flag))
                    {
                        var what = flag == "enable-skip-login" ? "lets anyone skip the login" : "accepts logins over plain HTTP";
                        context.Report(pod, container, $"{container.Pointer}/{field}/{i}",
                            $"dashboard {container.Describe()} sets --{flag} and {what}");
                    }
                }
            }
        }
    }

    private static bool IsEnabled(string arg, string flag)
    {
        var bare = arg.TrimStart('-');
        if (arg.Length - bare.Length is not (1 or 2))
        {
            return false;
        }

        if (bare == flag)
        {
            return true;
        }

        return bare.StartsWith(flag + "=", StringComparison.Ordinal) &&
            bare[(flag.Length + 1)..].ToLowerInvariant() is "true" or "t" or "1";
    }
}
