namespace SemiSeg.Methods;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// The supervised loss of U2PL Eq. 2 as the official get_criterion builds it: cross-entropy with the
/// ignore label, or OHEM (<see cref="OhemCrossEntropy"/>), on the main head plus
/// aux_weight times the same loss on the auxiliary head when the config has net.aux_loss
/// (loss_weight 0.4 on Cityscapes).
/// </summary>
public sealed class SupervisedCriterion
{
    private readonly OhemCrossEntropy? ohem;

    public SupervisedCriterion(SupervisedCriterionOptions options)
    {
        Options = options.Validate();
        if (options.IsOhem) ohem = new OhemCrossEntropy(options.Thresh, options.MinKept, options.IgnoreLabel);
    }

    public SupervisedCriterionOptions Options { get; }

    /// <summary>True when the loss expects the auxiliary head's logits too.</summary>
    public bool UsesAux => Options.AuxWeight > 0;

    /// <summary>
    /// Loss of logits (B, C, H, W) already resized to the labels (B, H, W); <paramref name="auxLogits"/>
    /// is required when the auxiliary weight is above 0 and ignored otherwise.
    /// </summary>
    public Tensor Compute(Tensor logits, Tensor target, Tensor? auxLogits = null)
    {
        CheckShape("logits", logits, target);
        using var scope = Torch.NewDisposeScope();
        var loss = Single(logits, target);
        if (UsesAux)
        {
            if (auxLogits is null)
                throw new ArgumentException($"net.aux_loss.loss_weight is {Options.AuxWeight} but no auxiliary logits were given");
            CheckShape("auxiliary logits", auxLogits, target);
            loss = loss + Single(auxLogits, target) * Options.AuxWeight;
        }
        return scope.MoveToOuter(loss);
    }

    private Tensor Single(Tensor logits, Tensor target) =>
        ohem is not null ? ohem.Compute(logits, target) : F.CrossEntropy(logits, target, ignoreIndex: Options.IgnoreLabel);

    private static void CheckShape(string what, Tensor logits, Tensor target)
    {
        var l = logits.Shape;
        var t = target.Shape;
        if (l.Length != 4 || t.Length != 3 || l[0] != t[0] || l[2] != t[1] || l[3] != t[2])
            throw new ArgumentException($"{what} [{string.Join(", ", l)}] do not match labels [{string.Join(", ", t)}]: resize the logits to (B, C, H, W) of the labels first");
    }
}
