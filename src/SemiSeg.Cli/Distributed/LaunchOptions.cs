using System.CommandLine;

namespace SemiSeg.Cli.Distributed;

/// <summary>
/// torchrun's options for starting the workers of one node: --nproc-per-node N local workers,
/// --nnodes / --node-rank for several machines, --master-addr / --master-port for the store
/// on node 0, and --dist-timeout, the seconds a collective may wait for a lost or hung peer.
/// </summary>
internal sealed record LaunchOptions(int NprocPerNode, int Nnodes, int NodeRank, string MasterAddr, int MasterPort, double TimeoutSeconds)
{
    public int WorldSize => NprocPerNode * Nnodes;

    public static readonly Option<int> NprocPerNodeOption = new("--nproc-per-node")
    { Description = "Start this many worker processes on this machine (distributed data-parallel; 1 = no launcher)", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> NnodesOption = new("--nnodes")
    { Description = "Machines in the job (each runs the same command with its own --node-rank)", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> NodeRankOption = new("--node-rank")
    { Description = "This machine's index in 0..nnodes-1", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> MasterAddrOption = new("--master-addr")
    { Description = "Address of node 0, which hosts the rendezvous store", DefaultValueFactory = _ => "127.0.0.1" };
    public static readonly Option<int> MasterPortOption = new("--master-port")
    { Description = "Port of the rendezvous store on node 0", DefaultValueFactory = _ => 29500 };
    public static readonly Option<double> TimeoutOption = new("--dist-timeout")
    { Description = "Seconds a collective waits for the other workers before the job fails (a dead or hung worker)", DefaultValueFactory = _ => 1800 };

    /// <summary>The option names the launcher consumes; the workers' command line goes without them.</summary>
    public static readonly string[] Names = { "--nproc-per-node", "--nnodes", "--node-rank", "--master-addr", "--master-port", "--dist-timeout" };

    public static void AddTo(Command command)
    {
        command.Options.Add(NprocPerNodeOption);
        command.Options.Add(NnodesOption);
        command.Options.Add(NodeRankOption);
        command.Options.Add(MasterAddrOption);
        command.Options.Add(MasterPortOption);
        command.Options.Add(TimeoutOption);
    }

    public static LaunchOptions From(ParseResult parse)
    {
        var options = new LaunchOptions(parse.GetValue(NprocPerNodeOption), parse.GetValue(NnodesOption), parse.GetValue(NodeRankOption),
                                        parse.GetValue(MasterAddrOption)!, parse.GetValue(MasterPortOption), parse.GetValue(TimeoutOption));
        if (options.NprocPerNode < 1) throw new ArgumentException($"--nproc-per-node is {options.NprocPerNode}: expected at least 1");
        if (options.Nnodes < 1) throw new ArgumentException($"--nnodes is {options.Nnodes}: expected at least 1");
        if (options.NodeRank < 0 || options.NodeRank >= options.Nnodes)
            throw new ArgumentException($"--node-rank is {options.NodeRank}: expected 0..{options.Nnodes - 1} for --nnodes {options.Nnodes}");
        if (options.MasterPort < 1 || options.MasterPort > 65535) throw new ArgumentException($"--master-port is {options.MasterPort}: expected 1..65535");
        if (!(options.TimeoutSeconds > 0)) throw new ArgumentException($"--dist-timeout is {options.TimeoutSeconds}: expected a positive number of seconds");
        return options;
    }

    /// <summary>True when this command should start workers rather than train itself.</summary>
    public bool Launches => WorldSize > 1;
}
