using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Xunit;

namespace Bulwark.Tests.Network;

/// <summary>Inputs shared by the NetworkPolicy tests: a two-workload shop, and building an evaluator from YAML text.</summary>
public static class NetworkTestInput
{
    /// <summary>shop/Deployment/web (app=web, port 8080 named http) and shop/Deployment/client (app=client), no policies.</summary>
    public const string WebAndClient = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080, name: http}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: shop}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec:
              containers: [{name: client, image: "curlimages/curl:8.8.0"}]
        """ + "\n";

    /// <summary>Loads the YAML (no input error allowed) and builds the model and its evaluator.</summary>
    public static (PolicyEvaluator Evaluator, NetworkModel Model) Evaluate(string yaml, IReadOnlyList<IPolicyTier>? tiers = null, bool requireValidPolicies = false)
    {
        var load = new ManifestLoader().LoadText(yaml, "test.yaml");
        Assert.DoesNotContain(load.Errors, e => e.Level == InputErrorLevel.Error);
        var model = NetworkModel.Build(load.Objects);
        if (requireValidPolicies)
        {
            Assert.DoesNotContain(model.Problems, p => p.IsError);
        }

        return (new PolicyEvaluator(model, AnalysisOptions.Default, tiers), model);
    }

    /// <summary>The endpoint of a workload written as the CLI accepts it (ns/Kind/name, ns/name or name).</summary>
    public static WorkloadEndpoint Endpoint(NetworkModel model, string reference) =>
        new(model.FindWorkload(reference, out var error) ?? throw new InvalidOperationException(error));
}
