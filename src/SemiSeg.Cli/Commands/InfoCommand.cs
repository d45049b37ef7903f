using System.CommandLine;
using SemiSeg.Torch;

namespace SemiSeg.Cli.Commands;

/// <summary>`semiseg info`: what engine and hardware this build sees.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the libtorch version, threads and devices");
        command.SetAction(_ =>
        {
            Console.WriteLine($"libtorch  {Torch.Torch.Version}");
            Console.WriteLine($"threads   {Torch.Torch.NumThreads}");
            Console.WriteLine($"cuda      {(Device.CudaIsAvailable ? $"{Device.CudaDeviceCount} device(s)" : "not available (CPU build)")}");
            return 0;
        });
        return command;
    }
}
