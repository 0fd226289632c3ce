using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Model;

namespace Bulwark.Cli.Commands;

/// <summary>The objects, model and whether the input had errors, for commands that read several inputs or need the objects.</summary>
internal sealed record NetpolLoaded(IReadOnlyList<KubeObject> Objects, Inventory Inventory, NetworkModel Model, bool HasErrors);

/// <summary>Loading of manifests from explicit paths (netpol diff reads two versions; netpol generate needs the objects too).</summary>
internal static class NetpolInputs
{
    /// <summary>Loads paths (files, folders, '-' for stdin); input errors and warnings go to stderr, prefixed with <paramref name="label"/> when given.</summary>
    public static NetpolLoaded Load(CliIO io, IReadOnlyList<string> paths, string? label = null)
    {
        var load = new ManifestLoader { StdinProvider = io.Stdin }.Load(paths);
        var inventory = new Inventory(load.Objects);
        var model = NetworkModel.Build(inventory);
        var errors = load.Errors.Concat(inventory.ConversionErrors).Concat(model.Problems.Where(x => x.IsError).Select(x => x.ToInputError())).ToList();
        var prefix = label is null ? string.Empty : label + ": ";
        foreach (var error in errors)
        {
            io.Error.WriteLine($"bulwark: {prefix}{(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        return new NetpolLoaded(load.Objects, inventory, model, errors.Any(e => e.Level == InputErrorLevel.Error));
    }
}
