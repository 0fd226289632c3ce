using System.CommandLine;
using Bulwark.Network.Analysis;
using Bulwark.Network.Rendering;
using Bulwark.Network.Sets;

namespace Bulwark.Cli.Commands;

/// <summary>
/// `bulwark netpol explain SRC DST [--port P/PROTO]`: per part of the connection space, allowed or denied, and the
/// tier, policy and rule that decide it in each direction. Exit 0; with --port, 0 when every asked connection is
/// allowed and 1 when some is denied; 2 on a usage or input error.
/// </summary>
public sealed class NetpolExplainCommand : Command
{
    private readonly NetpolCommonOptions _common = new(multiplePerToken: false);

    public NetpolExplainCommand(CliIO io)
        : base("explain", "Explain why connections from SRC to DST are allowed or denied: the policy and rule deciding each direction.")
    {
        Arguments.Add(Source);
        Arguments.Add(Destination);
        _common.AddTo(this);
        Output.AcceptOnlyFromAmong("table", "json");
        Options.Add(Output);
        Options.Add(Port);
        SetAction(parse => Execute(io, parse));
    }

    public Argument<string> Source { get; } = new("src") { Description = "The source: a workload (NAMESPACE/KIND/NAME, NAMESPACE/NAME or NAME) or an IP address, range or CIDR." };

    public Argument<string> Destination { get; } = new("dst") { Description = "The destination, like SRC." };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table or json.",
        DefaultValueFactory = _ => "table",
    };

    public Option<string?> Port { get; } = new("--port") { Description = "Only this port: PORT (any protocol), PORT/PROTOCOL, FROM-TO/PROTOCOL or a protocol." };

    private int Execute(CliIO io, ParseResult parse)
    {
        if (!NetpolSupport.TryReadPortOption(io, parse.GetValue(Port), out var ports))
        {
            return ExitCodes.UsageOrInputError;
        }

        if (NetpolSupport.Load(io, parse, _common) is not { } input)
        {
            return ExitCodes.UsageOrInputError;
        }

        var model = input.Model;
        var src = NetpolSupport.ParseEndpoint(model, parse.GetValue(Source)!, out var srcError);
        var dst = NetpolSupport.ParseEndpoint(model, parse.GetValue(Destination)!, out var dstError);
        if (src is null || dst is null)
        {
            io.Error.WriteLine($"bulwark: {(src is null ? "SRC" : "DST")}: {(src is null ? srcError : dstError)}");
            return ExitCodes.UsageOrInputError;
        }

        if (src is ExternalEndpoint && dst is ExternalEndpoint)
        {
            io.Error.WriteLine("bulwark: SRC and DST are both external addresses: at least one must be a workload");
            return ExitCodes.UsageOrInputError;
        }

        var evaluator = new PolicyEvaluator(model, new AnalysisOptions { IncludeSelf = true, IpBlockMatchesPods = parse.GetValue(_common.IpBlockMatchesPods) });
        var explanations = Explainer.Explain(evaluator, src, dst, ports);
        if (parse.GetValue(Output) == "json")
        {
            using var stream = new MemoryStream();
            using (var w = PssSupport.JsonWriter(stream))
            {
                ExplanationWriter.WriteJson(w, evaluator, explanations);
            }

            PssSupport.Flush(io, stream);
        }
        else
        {
            io.Out.Write(ExplanationWriter.Text(explanations));
            var notEvaluated = evaluator.NotEvaluated;
            if (notEvaluated.Count > 0)
            {
                io.Out.WriteLine($"  not evaluated (effect missing): {string.Join(", ", notEvaluated)}");
            }

            io.Out.WriteLine($"  assumptions: {string.Join("; ", evaluator.Assumptions.Where(a => a.Name is "tiers" or "ipBlockMatchesPods").Select(a => $"{a.Name}: {a.Value}"))}");
        }

        if (input.HasErrors)
        {
            return ExitCodes.UsageOrInputError;
        }

        return ports is not null && explanations.Any(e => e.Parts.Any(p => !p.Allowed)) ? ExitCodes.Findings : ExitCodes.Success;
    }
}
