namespace SemiSeg.Methods.Ael;

/// <summary>
/// AEL's dynamic re-weighting (Hu et al., NeurIPS 2021, section 3.4, Eq. 9): each pixel of the
/// unsupervised loss is weighted by the teacher's confidence raised to gamma, as the with_AEL
/// branch's <c>Criterion_cons.forward</c> does (<c>conf = torch.pow(conf, self.gamma)</c>,
/// u2pl/utils/loss_helper.py:359; gamma = criterion.cons.gamma, 2 in the config).
/// </summary>
public static class DynamicReweighting
{
    /// <summary>confidence^gamma, element-wise; a new tensor.</summary>
    public static Tensor Weights(Tensor confidence, double gamma) => confidence.Pow(gamma);
}
