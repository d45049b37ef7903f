namespace SemiSeg.Evaluation;

/// <summary>How validation images are fed to the network.</summary>
public enum EvaluationMode
{
    /// <summary>Center crop to the configured size (the PASCAL VOC protocol of U2PL).</summary>
    Center,
    /// <summary>The whole image at once.</summary>
    Full,
    /// <summary>Overlapping crop-size windows whose scores are averaged (the Cityscapes protocol).</summary>
    Sliding,
}
