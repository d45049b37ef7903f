using SemiSeg.Training;

namespace SemiSeg.Methods;

/// <summary>
/// A method that reads training samples itself besides the loader's batches (U2PL with AEL fetches
/// paste partners and CutMix-bank images by index); the trainer attaches the data before the first step.
/// </summary>
public interface IUsesTrainingData
{
    void AttachData(DataSources sources);
}
