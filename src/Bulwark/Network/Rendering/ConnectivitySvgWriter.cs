using System.Globalization;
using System.Text;
using Bulwark.Network.Analysis;

namespace Bulwark.Network.Rendering;

/// <summary>
/// Draws a connectivity report as a standalone SVG picture, without Graphviz: one column per namespace (a labelled
/// box, namespaces in name order) holding its workloads as boxes, one more column on the right for the external
/// address groups, and an arrow per connection labelled with its ports. The layout is a pure function of the
/// report: the same report always gives the same picture. Every node is a <c>&lt;g class="node"&gt;</c> and every
/// arrow a <c>&lt;g class="edge"&gt;</c>, each with a <c>&lt;title&gt;</c> (what a viewer shows on hover).
/// </summary>
public static class ConnectivitySvgWriter
{
    public const string SvgNamespace = "http://www.w3.org/2000/svg";

    private const double CharWidth = 7.2;   // average width of a 12px sans-serif character
    private const double NodeHeight = 30;
    private const double LineHeight = 15;
    private const double NodeGap = 18;
    private const double ColumnPadding = 14;
    private const double ColumnHeader = 34;
    private const double ColumnGap = 170;
    private const double Margin = 24;
    private const double LeftMargin = 80; // room for arcs on the left of the first column
    private const double TitleHeight = 30;
    private const double SlotHeight = 15;  // vertical room per arrow on a box side, and per lane

    public static string Write(ConnectivityReport report)
    {
        var layout = Layout(report);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"{SvgNamespace}\" width=\"{N(layout.Width)}\" height=\"{N(layout.Height)}\" viewBox=\"0 0 {N(layout.Width)} {N(layout.Height)}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        sb.Append("  <title>Connectivity</title>\n");
        sb.Append("  <defs>\n");
        sb.Append("    <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#4a5568\"/></marker>\n");
        sb.Append("    <marker id=\"arrow-all\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#c53030\"/></marker>\n");
        sb.Append("  </defs>\n");
        sb.Append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N(Margin)}\" y=\"{N(Margin + 4)}\" font-size=\"15\" font-weight=\"bold\" fill=\"#1a202c\">{Escape(Caption(report))}</text>\n");

        foreach (var column in layout.Columns)
        {
            var external = column.External;
            sb.Append(CultureInfo.InvariantCulture, $"  <g class=\"{(external ? "external-group" : "namespace")}\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <title>{Escape(external ? "external addresses" : "namespace " + column.Title)}</title>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    <rect x=\"{N(column.X)}\" y=\"{N(column.Y)}\" width=\"{N(column.Width)}\" height=\"{N(column.Height)}\" rx=\"8\" fill=\"{(external ? "#fffaf0" : "#f7fafc")}\" stroke=\"{(external ? "#dd6b20" : "#a0aec0")}\" stroke-dasharray=\"{(external ? "6 4" : "none")}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    <text x=\"{N(column.X + (column.Width / 2))}\" y=\"{N(column.Y + 22)}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#2d3748\">{Escape(column.Title)}</text>\n");
            sb.Append("  </g>\n");
        }

        foreach (var node in layout.Nodes.Values.OrderBy(n => n.Order))
        {
            var (fill, stroke, dash) = node.Kind switch
            {
                NodeKind.External => ("#feebc8", "#dd6b20", "none"),
                NodeKind.HostNetwork => ("#edf2f7", "#718096", "4 3"),
                _ => ("#ebf8ff", "#3182ce", "none"),
            };
            sb.Append(CultureInfo.InvariantCulture, $"  <g class=\"node\" id=\"n{node.Order}\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <title>{Escape(node.Title)}{(node.Kind == NodeKind.HostNetwork ? " (hostNetwork: policy effect unknown)" : string.Empty)}</title>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    <rect x=\"{N(node.X)}\" y=\"{N(node.Y)}\" width=\"{N(node.Width)}\" height=\"{N(node.Height)}\" rx=\"{(node.Kind == NodeKind.External ? 2 : 6)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-dasharray=\"{dash}\"/>\n");
            for (var i = 0; i < node.Lines.Count; i++)
            {
                var y = node.Y + (node.Height / 2) + ((i - ((node.Lines.Count - 1) / 2.0)) * LineHeight) + 4;
                sb.Append(CultureInfo.InvariantCulture,
                    $"    <text x=\"{N(node.X + (node.Width / 2))}\" y=\"{N(y)}\" text-anchor=\"middle\" fill=\"#1a202c\">{Escape(node.Lines[i])}</text>\n");
            }

            sb.Append("  </g>\n");
        }

        var ends = Attach(report, layout);
        for (var i = 0; i < report.Connections.Count; i++)
        {
            var c = report.Connections[i];
            var from = layout.Nodes[Key(c.Source)];
            var to = layout.Nodes[Key(c.Destination)];
            var (path, labelX, labelY) = Route(from, to, ends[i], layout);
            var all = c.Allowed.IsAll;
            var label = c.Allowed.ToString();
            sb.Append("  <g class=\"edge\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <title>{Escape($"{from.Title} -> {to.Title}: {label}")}</title>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    <path d=\"{path}\" fill=\"none\" stroke=\"{(all ? "#c53030" : "#4a5568")}\" stroke-width=\"{(all ? "1.6" : "1.2")}\" marker-end=\"url(#{(all ? "arrow-all" : "arrow")})\"/>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"    <text x=\"{N(labelX)}\" y=\"{N(labelY)}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{(all ? "#c53030" : "#2d3748")}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{Escape(label)}</text>\n");
            sb.Append("  </g>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private enum NodeKind
    {
        Workload,
        HostNetwork,
        External,
    }

    private sealed class Node(string id, int order, NodeKind kind, IReadOnlyList<string> lines, int column)
    {
        public string Id { get; } = id;

        /// <summary>What the node stands for: <c>ns/Kind/name</c>, or the address ranges.</summary>
        public string Title => Kind == NodeKind.External ? string.Join(" ", Lines) : Id;

        public int Order { get; } = order;

        public NodeKind Kind { get; } = kind;

        public IReadOnlyList<string> Lines { get; } = lines;

        public int Column { get; } = column;

        public int Row { get; set; }

        public double X { get; set; }

        public double Y { get; set; }

        public double Width { get; set; }

        public double Height { get; set; }
    }

    private sealed record Column(string Title, bool External, double X, double Y, double Width, double Height);

    /// <summary>The boxes, and the lanes under the columns that arrows skipping a column run along.</summary>
    private sealed record Picture(IReadOnlyList<Column> Columns, IReadOnlyDictionary<string, Node> Nodes, double Width, double Height, double LaneTop);

    private static string Key(Endpoint endpoint) => endpoint switch
    {
        WorkloadEndpoint w => w.Workload.Ref.ToString(),
        ExternalEndpoint x => "external:" + ConnectivityWriter.Text(x),
        _ => endpoint.ToString() ?? string.Empty,
    };

    private static string Caption(ConnectivityReport report)
    {
        var n = report.Connections.Count;
        return string.Create(CultureInfo.InvariantCulture, $"Allowed connections: {n}") +
            (report.PolicyEffectUnknown.Count > 0 ? " (dashed: hostNetwork, policy effect unknown)" : string.Empty);
    }

    private static Picture Layout(ConnectivityReport report)
    {
        var workloads = report.Connections.SelectMany(c => new[] { c.Source, c.Destination }).OfType<WorkloadEndpoint>()
            .Select(e => e.Workload).Concat(report.PolicyEffectUnknown).Distinct().OrderBy(w => w.Ref).ToList();
        var externals = report.Connections.SelectMany(c => new[] { c.Source, c.Destination }).OfType<ExternalEndpoint>()
            .GroupBy(Key, StringComparer.Ordinal).Select(g => g.First()).OrderBy(e => e, Comparer<Endpoint>.Create(Endpoint.Compare)).ToList();

        var groups = workloads.GroupBy(w => w.Namespace, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Title: g.Key, External: false, Items: g.Select(w => (Key: w.Ref.ToString(), Kind: w.HostNetwork ? NodeKind.HostNetwork : NodeKind.Workload, Lines: (IReadOnlyList<string>)[$"{w.Kind}/{w.Name}"])).ToList()))
            .ToList();
        if (externals.Count > 0)
        {
            groups.Add(("external", true, externals.Select(e => (Key: Key(e), Kind: NodeKind.External,
                Lines: (IReadOnlyList<string>)((ExternalEndpoint)e).Addresses.Ranges.Select(NetworkJson.RangeText).ToList())).ToList()));
        }

        // Columns and rows first: the sides arrows attach to depend on them, and a box is as tall as its busiest side needs.
        var place = new Dictionary<string, (int Column, int Row)>(StringComparer.Ordinal);
        for (var ci = 0; ci < groups.Count; ci++)
        {
            for (var r = 0; r < groups[ci].Items.Count; r++)
            {
                place[groups[ci].Items[r].Key] = (ci, r);
            }
        }

        var attached = new Dictionary<(string, bool), int>();
        var lanes = 0;
        foreach (var c in report.Connections)
        {
            var (fromRight, toRight, lane) = Sides(place[Key(c.Source)], place[Key(c.Destination)], Key(c.Source) == Key(c.Destination));
            attached[(Key(c.Source), fromRight)] = attached.GetValueOrDefault((Key(c.Source), fromRight)) + 1;
            attached[(Key(c.Destination), toRight)] = attached.GetValueOrDefault((Key(c.Destination), toRight)) + 1;
            lanes += lane ? 1 : 0;
        }

        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var columns = new List<Column>();
        var x = LeftMargin;
        var top = Margin + TitleHeight;
        var height = 0.0;
        var order = 0;
        for (var ci = 0; ci < groups.Count; ci++)
        {
            var (title, external, items) = groups[ci];
            var textWidth = Math.Max(title.Length, items.Count == 0 ? 0 : items.Max(i => i.Lines.Max(l => l.Length))) * CharWidth;
            var nodeWidth = Math.Max(120, Math.Ceiling(textWidth + 24));
            var y = top + ColumnHeader;
            var row = 0;
            foreach (var (key, kind, lines) in items)
            {
                var busiest = Math.Max(attached.GetValueOrDefault((key, true)), attached.GetValueOrDefault((key, false)));
                var h = Math.Max(Math.Max(NodeHeight, (lines.Count * LineHeight) + 14), (busiest * SlotHeight) + 6);
                nodes[key] = new Node(key, order++, kind, lines, ci) { Row = row++, X = x + ColumnPadding, Y = y, Width = nodeWidth, Height = h };
                y += h + NodeGap;
            }

            var columnHeight = y - top - NodeGap + ColumnPadding;
            columns.Add(new Column(title, external, x, top, nodeWidth + (2 * ColumnPadding), columnHeight));
            height = Math.Max(height, columnHeight);
            x += nodeWidth + (2 * ColumnPadding) + ColumnGap;
        }

        // Same-column arcs bulge to the right of the column: leave room for the last column's.
        var width = Math.Max(x - ColumnGap + 90 + Margin, 320);
        var laneTop = top + height + 24;
        return new Picture(columns, nodes, width, laneTop + (lanes * SlotHeight) + Margin, laneTop);
    }

    /// <summary>
    /// The sides of an arrow: towards the other column; within a column, the right side going down and the left side
    /// going up (so that the two directions of a pair never overlap); whether it skips a column (then it runs along a
    /// lane under the columns instead of crossing the boxes in between).
    /// </summary>
    private static (bool FromRight, bool ToRight, bool Lane) Sides((int Column, int Row) from, (int Column, int Row) to, bool self)
    {
        if (self)
        {
            return (true, true, false);
        }

        if (from.Column == to.Column)
        {
            return (from.Row < to.Row, from.Row < to.Row, false);
        }

        var lane = Math.Abs(to.Column - from.Column) > 1;
        return to.Column > from.Column ? (true, false, lane) : (false, true, lane);
    }

    /// <summary>Where an arrow leaves its source and reaches its destination: the side of each box, the height on it, and its lane (-1: none).</summary>
    private readonly record struct Ends(bool FromRight, double FromY, bool ToRight, double ToY, int Lane);

    /// <summary>Spreads the arrows of one side of a box along its height, ordered by the height of their other end (lanes last).</summary>
    private static Ends[] Attach(ConnectivityReport report, Picture layout)
    {
        var sides = new (bool FromRight, bool ToRight, int Lane)[report.Connections.Count];
        var slots = new Dictionary<(string Node, bool Right), List<(int Edge, bool IsSource, double OtherY)>>();
        var lanes = 0;
        for (var i = 0; i < report.Connections.Count; i++)
        {
            var from = layout.Nodes[Key(report.Connections[i].Source)];
            var to = layout.Nodes[Key(report.Connections[i].Destination)];
            var (fromRight, toRight, lane) = Sides((from.Column, from.Row), (to.Column, to.Row), from == to);
            sides[i] = (fromRight, toRight, lane ? lanes++ : -1);
            var laneY = layout.LaneTop + (sides[i].Lane * SlotHeight);
            Slot(slots, from.Id, fromRight).Add((i, true, lane ? laneY : to.Y + (to.Height / 2)));
            Slot(slots, to.Id, toRight).Add((i, false, lane ? laneY : from.Y + (from.Height / 2)));
        }

        var fromY = new double[sides.Length];
        var toY = new double[sides.Length];
        foreach (var ((id, _), list) in slots)
        {
            var node = layout.Nodes[id];
            var ordered = list.OrderBy(e => e.OtherY).ThenBy(e => e.Edge).ThenBy(e => e.IsSource).ToList();
            for (var k = 0; k < ordered.Count; k++)
            {
                var y = node.Y + (node.Height * (k + 1) / (ordered.Count + 1));
                if (ordered[k].IsSource)
                {
                    fromY[ordered[k].Edge] = y;
                }
                else
                {
                    toY[ordered[k].Edge] = y;
                }
            }
        }

        return sides.Select((s, i) => new Ends(s.FromRight, fromY[i], s.ToRight, toY[i], s.Lane)).ToArray();
    }

    private static List<(int, bool, double)> Slot(Dictionary<(string, bool), List<(int, bool, double)>> slots, string id, bool right)
    {
        if (!slots.TryGetValue((id, right), out var list))
        {
            slots[(id, right)] = list = new List<(int, bool, double)>();
        }

        return list;
    }

    /// <summary>The path of an arrow (a cubic curve) and where its label goes (the middle of the curve).</summary>
    private static (string Path, double LabelX, double LabelY) Route(Node from, Node to, Ends ends, Picture layout)
    {
        var x0 = ends.FromRight ? from.X + from.Width : from.X;
        var x3 = ends.ToRight ? to.X + to.Width : to.X;
        var y0 = ends.FromY;
        var y3 = ends.ToY;
        if (ends.Lane >= 0)
        {
            // Down to the lane beside the source, along it, and up beside the destination.
            var laneY = layout.LaneTop + (ends.Lane * SlotHeight);
            var out0 = ends.FromRight ? x0 + 40 : x0 - 40;
            var in3 = ends.ToRight ? x3 + 40 : x3 - 40;
            var lanePath = $"M {N(x0)} {N(y0)} C {N(out0)} {N(y0)}, {N(out0)} {N(laneY)}, {N(out0 + (in3 > out0 ? 30 : -30))} {N(laneY)} " +
                $"L {N(in3 + (in3 > out0 ? -30 : 30))} {N(laneY)} C {N(in3)} {N(laneY)}, {N(in3)} {N(y3)}, {N(x3)} {N(y3)}";
            return (lanePath, (out0 + in3) / 2, laneY - 3);
        }

        double x1, x2;
        if (from == to || from.Column == to.Column)
        {
            // A loop or an arc beside the column, wider for boxes further apart.
            var bulge = from == to ? 40 : 30 + (14 * Math.Abs(from.Row - to.Row));
            x1 = ends.FromRight ? x0 + bulge : x0 - bulge;
            x2 = ends.ToRight ? x3 + bulge : x3 - bulge;
        }
        else
        {
            var pull = Math.Max(40, Math.Abs(x3 - x0) / 2);
            x1 = ends.FromRight ? x0 + pull : x0 - pull;
            x2 = ends.ToRight ? x3 + pull : x3 - pull;
        }

        var path = $"M {N(x0)} {N(y0)} C {N(x1)} {N(y0)}, {N(x2)} {N(y3)}, {N(x3)} {N(y3)}";
        var mx = (x0 + (3 * x1) + (3 * x2) + x3) / 8;
        var my = ((y0 + (3 * y0) + (3 * y3) + y3) / 8) - 4;
        return (path, mx, my);
    }

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (ch >= 0x20 || ch is '\t' or '\n')
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
