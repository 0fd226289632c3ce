using Bulwark.Findings;
using Bulwark.Model;
using Bulwark.Secrets;

namespace Bulwark.Rules.Secrets;

public sealed class SecretInEnv : ContainerRule
{
    public override RuleInfo Info { get; } = new()
    {
        Id = "secret-in-env",
        Title = "Container env holds a literal secret",
        Severity = Severity.High,
        Layer = Layer.Secrets,
        Controls = ["SEC-1"],
        Rationale = "A literal env value is stored in the workload object itself: anyone who can read Deployments or Pods (far more people than can read Secrets) sees it, and it lands in Git, CI logs and `kubectl describe`. " +
            "Bulwark flags an env entry with a literal value when its name names a secret (password, token, api key, client secret, ...; names about a secret such as TOKEN_TTL or PASSWORD_FILE are excluded) or when the value has a well-known credential shape. " +
            "Entries using valueFrom are fine; init and ephemeral containers are checked too.",
        Remediation = "Store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file); rotate the exposed credential.",
    };

    protected override void Check(RuleContext context, PodTemplate pod, ContainerView container)
    {
        if (container.Env is not { } env)
        {
            return;
        }

        for (var i = 0; i < env.Count; i++)
        {
            var entry = env[i];
            if (entry.Value is null || entry.ValueFrom is not null)
            {
                continue;
            }

            if (SecretDetector.Inspect(entry.Name, entry.Value) is { } match)
            {
                context.Report(pod, container, $"{container.Pointer}/env/{i}/value",
                    $"{container.Describe()} sets env {entry.Name} to {match.Describe()}");
            }
        }
    }
}
