namespace SemiSeg.Torch.optim;

/// <summary>The poly schedule of DeepLab and U2PL: lr = base * (1 - iter / total) ^ power.</summary>
public static class PolyLR
{
    public static double At(double baseLearningRate, long iteration, long totalIterations, double power = 0.9)
    {
        if (totalIterations <= 0) throw new ArgumentOutOfRangeException(nameof(totalIterations), totalIterations, "must be positive");
        var progress = Math.Clamp((double)iteration / totalIterations, 0, 1);
        return baseLearningRate * Math.Pow(1 - progress, power);
    }

    /// <summary>Sets every group's learning rate from its initial one for this iteration.</summary>
    public static void Apply(SGD optimizer, long iteration, long totalIterations, double power = 0.9)
    {
        foreach (var group in optimizer.Groups)
            group.LearningRate = At(group.InitialLearningRate, iteration, totalIterations, power);
    }
}
