using SemiSeg.Methods;

namespace SemiSeg.Tests.Methods;

public class MethodOptionsTests
{
    [Fact]
    public void DefaultsAreTheOfficialVocConfig()
    {
        var u = new UnsupervisedOptions().Validate();
        Assert.Equal((80.0, "cutmix", 1.0), (u.DropPercent, u.ApplyAug, u.LossWeight));
        var c = new ContrastiveOptions().Validate(21);
        Assert.Equal((3, 20, 0.3, 1.0, 20.0, 50, 256, 0.5, 1.0), (c.LowRank, c.HighRank, c.CurrentClassThreshold, c.CurrentClassNegativeThreshold,
                                                                  c.LowEntropyThreshold, c.NumNegatives, c.NumQueries, c.Temperature, c.LossWeight));
        Assert.Equal(NegativeSource.Unreliable, c.NegativeSource);
        Assert.Equal(NegativeSource.All, (c with { NegativeHighEntropy = false }).NegativeSource);
        Assert.Equal(NegativeSource.Reliable, (c with { NegativeSourceName = "reliable" }).NegativeSource);
        var paper = c.WithPaperSettings();
        Assert.Equal((50, 256, 0.1), (paper.NumQueries, paper.NumNegatives, paper.LossWeight));
        Assert.Equal(20, c.EntropyPercentAt(0, 80), 12);
        var s = new SupervisedCriterionOptions().Validate();
        Assert.False(s.IsOhem);
        Assert.Equal(0, s.AuxWeight);
        var e = new EmaOptions().Validate();
        Assert.Equal((0.99, 1, false), (e.Decay, e.SupOnlyEpoch, e.IncludeBuffers));
    }

    [Fact]
    public void CityscapesHighRankAboveTheClassCountIsAllowed()
    {
        new ContrastiveOptions { HighRank = 20 }.Validate(19);
    }

    [Theory]
    [InlineData("trainer.contrastive.high_rank = 3: must be greater than low_rank (3)", 3, 3, 0.5, 256)]
    [InlineData("trainer.contrastive.low_rank = -1: must be >= 0", -1, 20, 0.5, 256)]
    [InlineData("trainer.contrastive.temperature = 0: must be > 0", 3, 20, 0.0, 256)]
    [InlineData("trainer.contrastive.num_queries = 0: must be >= 1", 3, 20, 0.5, 0)]
    public void ContrastiveErrorsNameTheKeyAndValue(string message, int low, int high, double temperature, int queries)
    {
        var options = new ContrastiveOptions { LowRank = low, HighRank = high, Temperature = temperature, NumQueries = queries };
        Assert.Equal(message, Assert.Throws<MethodOptionException>(() => options.Validate(21)).Message);
    }

    [Fact]
    public void OtherErrorsNameTheKeyAndValue()
    {
        Assert.Equal("trainer.unsupervised.drop_percent = 120: must be in [0, 100]",
                     Assert.Throws<MethodOptionException>(() => new UnsupervisedOptions { DropPercent = 120 }.Validate()).Message);
        Assert.Equal("trainer.unsupervised.apply_aug = 'mixup': must be one of cutmix, cutout, classmix",
                     Assert.Throws<MethodOptionException>(() => new UnsupervisedOptions { ApplyAug = "mixup" }.Validate()).Message);
        Assert.Equal("trainer.contrastive.negative_source = 'sometimes': must be one of unreliable, reliable, all",
                     Assert.Throws<MethodOptionException>(() => new ContrastiveOptions { NegativeSourceName = "sometimes" }.Validate(21)).Message);
        Assert.Equal("trainer.contrastive.negative_rule = 'both': must be one of paper, official",
                     Assert.Throws<MethodOptionException>(() => new ContrastiveOptions { NegativeRuleName = "both" }.Validate(21)).Message);
        Assert.Equal("criterion.kwargs.thresh = 1.2: must be in [0, 1]",
                     Assert.Throws<MethodOptionException>(() => new SupervisedCriterionOptions { Type = "ohem", Thresh = 1.2 }.Validate()).Message);
        Assert.Equal("net.ema_decay = 1.5: must be in [0, 1]",
                     Assert.Throws<MethodOptionException>(() => new EmaOptions { Decay = 1.5 }.Validate()).Message);
        Assert.Equal("criterion.kwargs.use_weight", Assert.Throws<MethodOptionException>(() => new SupervisedCriterionOptions { UseWeight = true }.Validate()).Key);
    }
}
