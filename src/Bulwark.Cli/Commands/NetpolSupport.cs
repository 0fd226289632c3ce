using System.CommandLine;
using System.Globalization;
using Bulwark.Findings;
using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;

namespace Bulwark.Cli.Commands;

/// <summary>Options and loading shared by the `bulwark netpol` subcommands.</summary>
internal sealed class NetpolCommonOptions
{
    public NetpolCommonOptions(bool multiplePerToken) => Files = new("--filename", "-f")
    {
        Description = multiplePerToken
            ? "Files or folders of manifests (folders recursively: *.yaml, *.yml, *.json); '-' reads stdin. Repeatable. Default: the current folder."
            : "A file or folder of manifests (folders recursively); '-' reads stdin. Repeat -f for more. Default: the current folder.",
        AllowMultipleArgumentsPerToken = multiplePerToken,
    };

    public Option<string[]> Files { get; }

    public Option<bool> IpBlockMatchesPods { get; } = new("--ipblock-matches-pods")
    {
        Description = "Let ipBlocks match pods by the pod IPs captured in Pod status (Calico-like); default: ipBlocks match external addresses only (Cilium-like).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Files);
        command.Options.Add(IpBlockMatchesPods);
    }
}

/// <summary>The model and whether the input had errors (bad files, invalid policies).</summary>
internal sealed record NetpolInput(NetworkModel Model, bool HasErrors);

internal static class NetpolSupport
{
    /// <summary>Loads the manifests and builds the model; null after a one-line error on a usage error. Input errors go to stderr.</summary>
    public static NetpolInput? Load(CliIO io, ParseResult parse, NetpolCommonOptions common)
    {
        var paths = parse.GetValue(common.Files) is { Length: > 0 } p ? p : ["."];
        if (paths.Count(x => x == "-") > 1)
        {
            io.Error.WriteLine("bulwark: '-' (stdin) may be given only once");
            return null;
        }

        var load = new ManifestLoader { StdinProvider = io.Stdin }.Load(paths);
        var inventory = new Inventory(load.Objects);
        var model = NetworkModel.Build(inventory);
        var errors = load.Errors.Concat(inventory.ConversionErrors).Concat(model.Problems.Where(x => x.IsError).Select(x => x.ToInputError())).ToList();
        foreach (var error in errors)
        {
            io.Error.WriteLine($"bulwark: {(error.Level == InputErrorLevel.Error ? "error" : "warning")}: {error}");
        }

        return new NetpolInput(model, errors.Any(e => e.Level == InputErrorLevel.Error));
    }

    /// <summary>The --port option: null ports when absent; false after printing the error.</summary>
    public static bool TryReadPortOption(CliIO io, string? text, out ConnectionSet? ports)
    {
        ports = null;
        if (text is null)
        {
            return true;
        }

        ports = ParsePort(text, out var error);
        if (ports is null)
        {
            io.Error.WriteLine($"bulwark: {error}");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Parses a port filter: <c>80</c> (every protocol), <c>80/TCP</c>, <c>8000-8080/UDP</c>, or a protocol alone
    /// (<c>UDP</c>); protocol names are case-insensitive. Null with a message when malformed.
    /// </summary>
    public static ConnectionSet? ParsePort(string text, out string? error)
    {
        error = null;
        var slash = text.IndexOf('/');
        var portText = slash < 0 ? text : text[..slash];
        var protocolText = slash < 0 ? null : text[(slash + 1)..];
        IReadOnlyList<Protocol> protocols = Protocols.All;
        if (protocolText is not null)
        {
            if (!Protocols.TryParse(protocolText, out var protocol, ignoreCase: true))
            {
                error = $"--port: unknown protocol '{protocolText}' (TCP, UDP or SCTP)";
                return null;
            }

            protocols = [protocol];
        }
        else if (Protocols.TryParse(portText, out var alone, ignoreCase: true))
        {
            return ConnectionSet.Of(alone, PortSet.All);
        }

        if (!PortSet.TryParse(portText, out var ports))
        {
            error = $"--port must be PORT, PORT/PROTOCOL, FROM-TO/PROTOCOL or a protocol (ports 1-65535), not '{text}'";
            return null;
        }

        return protocols.Aggregate(ConnectionSet.None, (set, p) => set.Union(ConnectionSet.Of(p, ports)));
    }

    /// <summary>A workload reference or an IP address, range or CIDR; null with a message when neither.</summary>
    public static Endpoint? ParseEndpoint(NetworkModel model, string text, out string? error)
    {
        if (model.FindWorkload(text, out error) is { } workload)
        {
            return new WorkloadEndpoint(workload);
        }

        if (IpRange.TryParse(text, out var range))
        {
            error = null;
            return new ExternalEndpoint(IpRangeSet.Of(range));
        }

        if (text.Contains('/', StringComparison.Ordinal) && text.Split('/').Length == 2 && char.IsAsciiDigit(text[^1]) && text.Count(c => c == '.') == 3)
        {
            error = $"\"{text}\" is neither a workload nor a valid CIDR";
        }

        return null;
    }

    public static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");
}
