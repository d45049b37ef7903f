namespace SemiSeg.Training;

/// <summary>A loss became NaN or infinite: the run stops, its last good checkpoint untouched.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message) { }
}
