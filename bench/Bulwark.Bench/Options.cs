using System.Globalization;

namespace Bulwark.Bench;

/// <summary>Command-line options of the benchmark (and the hidden ones of its child phases).</summary>
internal sealed class Options
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/Bulwark.Bench -- [pss|rbac|netpol|audit] [options]
          (no mode)          parse baseline vs the full `bulwark scan`
          pss                parse baseline vs parse + Pod Security evaluation at restricted:latest
          rbac               RBAC model: load + index, can-i / who-can per query, escalation paths for every subject
          netpol             NetworkPolicy analysis: load, model, connectivity, gaps per cluster size
          audit              audit-log detection: bare parse vs the full built-in pack, and peak memory per log size
          --events N         audit: events in the generated log (default 1000000)
          --sizes N,N,...    netpol: pods per generated cluster, each measured in a child process (default 500,2000,5000);
                             audit: events per memory measurement, each in a child process (default 250000,500000,1000000)
          --namespaces N     netpol: namespaces per cluster (default 100)
          --policies N       netpol: NetworkPolicies per cluster (default 1000)
          --runs N           netpol: timed runs per size after the warm-up, best one counts (default 1)
          --roles N          rbac: Roles + ClusterRoles generated (default 10000)
          --bindings N       rbac: RoleBindings + ClusterRoleBindings generated (default 20000)
          --queries N        rbac: random can-i and who-can queries timed, of each (default 2000)
          --objects N        objects in the synthetic corpus (default 100000)
          --files N          files they are spread over (default 1000)
          --seed N           generator seed (default 42)
          --out DIR          where to write the corpus (default: a fresh temporary folder)
          --keep             keep the corpus afterwards (it is deleted otherwise)
          --baseline-runs N  timed runs of the baseline (pss: of every measurement), best one counts (default 3)
        """;

    /// <summary>The benchmark to run: <c>scan</c> (default), <c>pss</c>, <c>rbac</c> or <c>netpol</c>.</summary>
    public string Mode { get; private set; } = "scan";

    public int Objects { get; private set; } = 100_000;

    public int Files { get; private set; } = 1_000;

    public int Seed { get; private set; } = 42;

    public int Roles { get; private set; } = 10_000;

    public int Bindings { get; private set; } = 20_000;

    public int Queries { get; private set; } = 2_000;

    public IReadOnlyList<int> Sizes { get; private set; } = [500, 2_000, 5_000];

    /// <summary>Whether --sizes was given (the audit mode has its own default).</summary>
    public bool SizesGiven { get; private set; }

    /// <summary>audit: events in the generated log (hidden phase audit-memory: events to read).</summary>
    public int Events { get; private set; } = 1_000_000;

    /// <summary>audit: the log sizes whose peak memory is measured.</summary>
    public IReadOnlyList<int> AuditSizes => SizesGiven ? Sizes : [250_000, 500_000, 1_000_000];

    public int Namespaces { get; private set; } = 100;

    public int Policies { get; private set; } = 1_000;

    public int Runs { get; private set; } = 1;

    public string? Out { get; private set; }

    public bool Keep { get; private set; }

    public int BaselineRuns { get; private set; } = 3;

    public bool Help { get; private set; }

    // Hidden: child-process mode.
    public string? Phase { get; private set; }

    public string? Corpus { get; private set; }

    public string? ResultFile { get; private set; }

    /// <summary>Hidden (netpol): measure one generated cluster of this many pods in this process.</summary>
    public int? Single { get; private set; }

    /// <summary>Hidden (netpol): the small cluster the child warms the JIT up on.</summary>
    public string? WarmUp { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number()
            {
                var name = args[i];
                var text = Next();
                return int.TryParse(text.Replace("_", string.Empty).Replace(",", string.Empty), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"{name} needs a positive number, not '{text}'");
            }

            switch (args[i])
            {
                case "--objects":
                    o.Objects = Number();
                    break;
                case "--files":
                    o.Files = Number();
                    break;
                case "--seed":
                    o.Seed = Number();
                    break;
                case "--roles":
                    o.Roles = Number();
                    break;
                case "--bindings":
                    o.Bindings = Number();
                    break;
                case "--queries":
                    o.Queries = Number();
                    break;
                case "--events":
                    o.Events = Number();
                    break;
                case "--sizes":
                    o.SizesGiven = true;
                    var sizesText = Next();
                    o.Sizes = [.. sizesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
                        int.TryParse(t.Replace("_", string.Empty), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                            ? n
                            : throw new ArgumentException($"--sizes needs positive numbers separated by commas, not '{sizesText}'"))];
                    break;
                case "--namespaces":
                    o.Namespaces = Number();
                    break;
                case "--policies":
                    o.Policies = Number();
                    break;
                case "--runs":
                    o.Runs = Number();
                    break;
                case "--single":
                    o.Single = Number();
                    break;
                case "--warmup":
                    o.WarmUp = Path.GetFullPath(Next());
                    break;
                case "--baseline-runs":
                    o.BaselineRuns = Number();
                    break;
                case "--out":
                    o.Out = Path.GetFullPath(Next());
                    break;
                case "--keep":
                    o.Keep = true;
                    break;
                case "--phase":
                    o.Phase = Next();
                    break;
                case "--corpus":
                    o.Corpus = Path.GetFullPath(Next());
                    break;
                case "--result":
                    o.ResultFile = Path.GetFullPath(Next());
                    break;
                case "pss" when i == 0:
                    o.Mode = "pss";
                    break;
                case "rbac" when i == 0:
                    o.Mode = "rbac";
                    break;
                case "netpol" when i == 0:
                    o.Mode = "netpol";
                    break;
                case "audit" when i == 0:
                    o.Mode = "audit";
                    break;
                case "-h" or "--help":
                    o.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (o.Phase is not null && (o.Phase is not ("baseline" or "scan" or "pss" or "audit" or "audit-memory") || o.Corpus is null || o.ResultFile is null))
        {
            throw new ArgumentException("--phase baseline|scan|pss|audit|audit-memory needs --corpus PATH and --result FILE");
        }

        if (o.Single is not null && (o.Corpus is null || o.ResultFile is null || o.WarmUp is null))
        {
            throw new ArgumentException("--single N needs --corpus DIR, --warmup DIR and --result FILE");
        }

        return o;
    }
}
