using SemiSeg.Data;
using SemiSeg.Torch;
using SemiSeg.Training;

namespace SemiSeg.Cli.Commands;

/// <summary>Turns the errors a user can cause (bad config, bad data, bad files) into one clear line and exit code 1; a run stopped by a signal exits with 3.</summary>
internal static class CliErrors
{
    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (TrainingStoppedException e)
        {
            Console.Error.WriteLine($"stopped: {e.Message}");
            return TrainingStoppedException.ExitCode;
        }
        catch (Exception e) when (e is SemiSeg.ConfigException or DatasetException or FileNotFoundException
                                       or InvalidDataException or InvalidOperationException or ArgumentException
                                       or TrainingDivergedException or TorchException or IOException
                                       or SemiSeg.Methods.MethodOptionException or SemiSeg.Torch.nn.StateDictMismatchException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
