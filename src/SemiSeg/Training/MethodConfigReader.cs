using SemiSeg.Config;
using SemiSeg.Methods;
using YamlDotNet.RepresentationModel;

namespace SemiSeg.Training;

/// <summary>
/// Reads the method-specific option records (criterion, trainer.unsupervised, trainer.contrastive,
/// iMAS's keys) from a config with the official key names; each record validates its values and
/// names the key in its errors.
/// </summary>
internal static class MethodConfigReader
{
    /// <summary>
    /// The keys of U2PL's with_AEL branch (experiments/city_744/config.yaml and what its train.py reads).
    /// Its parts exist as types (Methods/Ael) but no method runs them yet, so a config that sets any of
    /// these keys, or method u2pl_ael, is refused with the key named rather than trained without them.
    /// </summary>
    public static void RefuseAel(ConfigNode root)
    {
        const string why = "is a key of U2PL's with_AEL branch (AEL); its parts exist (Methods/Ael) but no training step runs them yet, see docs/u2pl-ael.md";
        if (root.Has("method") && root.String("method") == "u2pl_ael")
            throw root.Error("method", "u2pl_ael (U2PL with AEL) is not implemented as a training step yet; its parts exist (Methods/Ael), see docs/u2pl-ael.md");
        var dataset = root.Section("dataset");
        var criterion = root.Section("criterion");
        var trainer = root.Section("trainer");
        var places = new (ConfigNode Node, string Key)[]
        {
            (dataset, "acp"), (dataset.Section("train"), "acm"), (criterion, "cons"), (criterion, "contra_weight"),
            (criterion, "consist_weight"), (criterion, "threshold"), (trainer, "sym_ce_l"), (trainer, "sym_ce_u"),
            (trainer.Section("contrastive"), "start_epoch"), (trainer.Section("contrastive"), "conf_weight"),
        };
        foreach (var (node, key) in places)
            if (node.Has(key)) throw node.Error(node.Path.Length == 0 ? key : $"{node.Path}.{key}", why);
    }

    /// <summary>
    /// Method u2pl_ael's keys, as the with_AEL branch reads them (train.py:103-110, 130-140, 318-347;
    /// docs/u2pl-ael.md). Settings whose branch code is not implemented here are refused by name.
    /// </summary>
    public static Methods.Ael.U2plAelOptions Ael(ConfigNode root, int numClasses, double emaDecay, bool emaBuffers)
    {
        var dataset = root.Section("dataset");
        var train = dataset.Section("train");
        var criterion = root.Section("criterion");
        var contrastive = root.Section("trainer").Section("contrastive");
        const string notHere = "is not implemented for method u2pl_ael (docs/u2pl-ael.md)";
        if (!train.Has("acm")) throw train.Error("dataset.train.acm", "method u2pl_ael needs the adaptive CutMix section (the branch's step without it reads a cutout/cutmix loader that is not implemented)");
        var acm = train.Section("acm");
        acm.Accept("number");   // in the config, read by nothing (train.py reads acm's momentum, area_thresh(2), no_pad, no_slim)
        if (!acm.Bool("no_pad", false)) throw acm.Error("dataset.train.acm.no_pad", $"False (padding_bbox_new) {notHere}; set True as experiments/city_744/config.yaml does");
        if (!acm.Bool("no_slim", false)) throw acm.Error("dataset.train.acm.no_slim", $"False (sliming_bbox) {notHere}; set True as experiments/city_744/config.yaml does");
        var areaThresh = acm.Double("area_thresh", 0.0001, 0, 1);
        var copyPaste = dataset.Has("acp");
        var acp = dataset.Section("acp");
        var resize = acp.Doubles("rand_resize", 2) ?? new[] { 0.1, 2.0 };
        var ignored = acp.Has("ignore_cat") ? acp.Ints("ignore_cat") : null;
        if (!copyPaste)
            throw dataset.Error("dataset.acp", "method u2pl_ael needs the adaptive copy-paste section: without it the branch's step fails (target_cat is defined only with acp, train.py:333-352)");
        Methods.Ael.AelConsistencyOptions? consistency = null;
        var momentum = 0.999;
        if (criterion.Has("cons"))
        {
            var cons = criterion.Section("cons");
            if (!cons.Has("gamma")) throw cons.Error("criterion.cons.gamma", "is required, as the branch's get_criterion reads cfg[\"criterion\"][\"cons\"][\"gamma\"]");
            consistency = new Methods.Ael.AelConsistencyOptions(cons.Double("gamma", 2, 0, 100), cons.Bool("sample", false), cons.Double("gamma2", 1, 0, 100));
            if (consistency.Sample) momentum = cons.Double("momentum", 0.999, 0, 1);
        }
        // train.py:332-340 reads class_momentum from cons (with sample), then acp, then acm, each
        // overwriting the last: acm's wins. A different value in an overwritten key would be accepted
        // without effect, so it is refused.
        var consMomentum = momentum;
        var acpMomentum = acp.Double("momentum", 0.999, 0, 1);
        momentum = acm.Double("momentum", 0.999, 0, 1);
        if (consistency is { Sample: true } && criterion.Section("cons").Has("momentum") && consMomentum != momentum)
            throw criterion.Error("criterion.cons.momentum", $"is {consMomentum}, but the branch overwrites it with dataset.train.acm.momentum ({momentum}, train.py:332-340); set them alike");
        if (acp.Has("momentum") && acpMomentum != momentum)
            throw acp.Error("dataset.acp.momentum", $"is {acpMomentum}, but the branch overwrites it with dataset.train.acm.momentum ({momentum}, train.py:337-340); set them alike");
        if (contrastive.Bool("conf_weight", false)) throw contrastive.Error("trainer.contrastive.conf_weight", $"True {notHere}");
        if (contrastive.Bool("anchor_ema", false)) throw contrastive.Error("trainer.contrastive.anchor_ema", $"True {notHere}");
        if (contrastive.Bool("binary", false)) throw contrastive.Error("trainer.contrastive.binary", "True: the with_AEL branch has no binary variant");
        if (contrastive.Has("loss_weight")) throw contrastive.Error("trainer.contrastive.loss_weight", "the with_AEL branch weights the contrastive loss with criterion.contra_weight");
        foreach (var key in new[] { "negative_rule", "onehot", "class_order" })
            if (contrastive.Has(key) && contrastive.String(key) != "official")
                throw contrastive.Error($"trainer.contrastive.{key}", "method u2pl_ael runs the branch's compute_contra_memobank_loss: only official");
        var trainer = root.Section("trainer");
        foreach (var key in new[] { "sym_ce_l", "sym_ce_u" })
            if (trainer.Bool(key, false)) throw trainer.Error($"trainer.{key}", $"True (compute_rce_loss) {notHere}");
        return new Methods.Ael.U2plAelOptions
        {
            Step = new Methods.Ael.U2plAelStepOptions
            {
                ConsistWeight = criterion.Double("consist_weight", 1, 0),
                ContraWeight = criterion.Double("contra_weight", 1, 0),
                Threshold = criterion.Double("threshold", 0, 0, 1),
                ContrastiveStartEpoch = contrastive.Int("start_epoch", 20, 0),
                Consistency = consistency,
            },
            CopyPaste = copyPaste,
            PasteProbability = acp.Double("prob", 0.5, 0, 1),
            PasteCategoryDraws = acp.Int("number", 3, 1),
            PasteResize = (resize[0], resize[1]),
            PasteIgnoredCategories = ignored ?? Methods.Ael.AdaptiveCopyPaste.CityscapesIgnoredCategories,
            AreaThreshold = areaThresh,
            BankAreaThreshold = acm.Double("area_thresh2", areaThresh, 0, 1),
            Momentum = momentum,
            EmaDecay = emaDecay,
            EmaBuffers = emaBuffers,
        }.Validate(numClasses);
    }

    /// <summary>The branch's trainer: no warm start (sup_only_epoch must be 0) and heads at 10x the learning rate (train.py:123-126).</summary>
    public static TrainerSettings AelTrainerDefaults(ConfigNode root, TrainerSettings trainer)
    {
        var t = root.Section("trainer");
        if (t.Has("sup_only_epoch") && trainer.SupOnlyEpoch != 0)
            throw t.Error("trainer.sup_only_epoch", "the with_AEL branch has no warm start; method u2pl_ael needs 0 (or no key)");
        var headTimes = t.Section("optimizer").Has("head_lr_times") ? trainer.HeadLearningRateTimes : 10;
        return trainer with { SupOnlyEpoch = 0, HeadLearningRateTimes = headTimes };
    }

    public static SupervisedCriterionOptions Criterion(ConfigNode root, double auxWeight)
    {
        var c = root.Section("criterion");
        var kwargs = c.Section("kwargs");
        var d = new SupervisedCriterionOptions();
        return new SupervisedCriterionOptions
        {
            Type = c.Choice("type", d.Type, "CELoss", "ohem"),
            Thresh = kwargs.Double("thresh", d.Thresh, 0, 1),
            MinKept = kwargs.Int("min_kept", (int)d.MinKept, 0),
            UseWeight = kwargs.Bool("use_weight", false),
            AuxWeight = auxWeight,
        }.Validate();
    }

    public static UnsupervisedOptions Unsupervised(ConfigNode trainer, string method)
    {
        var u = trainer.Section("unsupervised");
        var d = new UnsupervisedOptions();
        u.Accept("TTA");
        RefuseWithoutEffect(u, method);
        var defaultAug = method switch { "u2pl" => d.ApplyAug, "cutmix" => "cutmix", _ => null };
        var apply = u.String("apply_aug", defaultAug);
        return new UnsupervisedOptions
        {
            DropPercent = u.Double("drop_percent", d.DropPercent, 0, 100),
            ApplyAug = apply is "" or "none" or "False" or "false" ? null : apply,
            LossWeight = u.Double("loss_weight", d.LossWeight, 0),
            // The CutMix baseline mixes every step; U2PL's official step mixes with probability 0.5.
            AugProbability = u.Double("aug_prob", method == "cutmix" ? 1.0 : d.AugProbability, 0, 1),
            DynamicPartition = u.Bool("dynamic_partition", d.DynamicPartition),
        }.Validate();
    }

    // A key of trainer.unsupervised that the chosen method would read and ignore is refused, so no
    // setting is accepted without effect: MT never mixes, the CutMix baseline always does, only U2PL
    // partitions by entropy, and SupOnly has no unsupervised loss. (iMAS reads its own keys: Imas.)
    private static void RefuseWithoutEffect(ConfigNode u, string method)
    {
        static bool None(string? v) => v is null or "" or "none" or "False" or "false";
        var apply = u.Has("apply_aug") ? u.String("apply_aug") : null;
        string? Why(string key) => (method, key) switch
        {
            ("u2pl", _) => null,
            ("mt", "apply_aug") when None(apply) => null,
            ("mt", "apply_aug") => "method mt never mixes its unlabelled images; method cutmix is Mean Teacher with CutMix",
            ("mt", "aug_prob") => "method mt never mixes its unlabelled images",
            ("mt" or "cutmix", "loss_weight") => null,
            ("cutmix", "apply_aug") when None(apply) => "method cutmix always mixes (apply_aug cutmix, cutout or classmix); method mt is the baseline without a mix",
            ("cutmix", "apply_aug" or "aug_prob") => null,
            ("mt" or "cutmix", "drop_percent" or "dynamic_partition") => $"method {method} has no entropy partition (U2PL's)",
            ("suponly", _) => "method suponly has no unsupervised loss",
            ("u2pl_ael", _) => "method u2pl_ael has no trainer.unsupervised section: its unsupervised loss is criterion.cons (docs/u2pl-ael.md)",
            _ => null,
        };
        foreach (var key in new[] { "apply_aug", "aug_prob", "drop_percent", "dynamic_partition", "loss_weight" })
        {
            if (!u.Has(key) || method == "imas") continue;
            if (Why(key) is { } reason) throw u.Error($"trainer.unsupervised.{key}", reason);
        }
    }

    /// <summary>
    /// trainer.profile, world_size, per_replica_statistics and same_seed_on_every_replica (all ours).
    /// Only U2PL has profiles; another method that sets any of them is refused with the key named.
    /// </summary>
    public static U2plProfile Profile(ConfigNode trainer, string method)
    {
        string[] keys = { "profile", "world_size", "per_replica_statistics", "same_seed_on_every_replica" };
        if (method != "u2pl")
        {
            foreach (var key in keys)
                if (trainer.Has(key)) throw trainer.Error($"trainer.{key}", $"only method u2pl has profiles and simulated replicas (method is {method})");
            return new U2plProfile();
        }
        var name = trainer.Choice("profile", U2plProfile.PaperName, U2plProfile.OfficialName, U2plProfile.PaperName);
        var official = name == U2plProfile.OfficialName;
        return new U2plProfile
        {
            Name = name,
            WorldSize = trainer.Int("world_size", 1, 1, 1024),
            PerReplicaStatistics = trainer.Bool("per_replica_statistics", true),
            SameSeedOnEveryReplica = trainer.Bool("same_seed_on_every_replica", official),
        }.Validate();
    }

    public static ContrastiveOptions? Contrastive(ConfigNode trainer, int numClasses, U2plProfile? profile = null, string method = "u2pl")
    {
        if (!trainer.Has("contrastive")) return null;
        if (method is not ("u2pl" or "u2pl_ael")) throw trainer.Error("trainer.contrastive", $"only methods u2pl and u2pl_ael have a contrastive loss (method is {method})");
        var c = trainer.Section("contrastive");
        // The section is read even when switched off, so its keys are still checked (an ablation
        // that sets enabled: False keeps the rest of the section as it was).
        var enabled = c.Bool("enabled", true);
        var d = (profile ?? new U2plProfile()).ContrastiveDefaults(new ContrastiveOptions());
        var options = new ContrastiveOptions
        {
            NegativeHighEntropy = c.Bool("negative_high_entropy", d.NegativeHighEntropy),
            NegativeSourceName = c.String("negative_source"),
            NegativeRuleName = c.String("negative_rule", d.NegativeRuleName)!,
            OneHotName = c.String("onehot", d.OneHotName)!,
            ClassOrderName = c.String("class_order", d.ClassOrderName)!,
            WeightByWorldSize = c.Bool("weight_by_world_size", d.WeightByWorldSize),
            LowRank = c.Int("low_rank", d.LowRank),
            HighRank = c.Int("high_rank", d.HighRank),
            CurrentClassThreshold = c.Double("current_class_threshold", d.CurrentClassThreshold),
            CurrentClassNegativeThreshold = c.Double("current_class_negative_threshold", d.CurrentClassNegativeThreshold),
            UnsupervisedEntropyIgnore = c.Double("unsupervised_entropy_ignore", d.UnsupervisedEntropyIgnore),
            LowEntropyThreshold = c.Double("low_entropy_threshold", d.LowEntropyThreshold),
            NumNegatives = c.Int("num_negatives", d.NumNegatives),
            NumQueries = c.Int("num_queries", d.NumQueries),
            Temperature = c.Double("temperature", d.Temperature),
            LossWeight = c.Double("loss_weight", d.LossWeight),
            Binary = c.Bool("binary", d.Binary),
            AnchorEma = c.Bool("anchor_ema", d.AnchorEma),
            UseMemoryBank = c.Bool("use_memory_bank", d.UseMemoryBank),
            QueueSize = c.Int("queue_size", d.QueueSize),
            BackgroundQueueSize = c.Int("background_queue_size", d.BackgroundQueueSize),
        };
        // settings: paper switches to Table A1's M = 50, N = 256, lambda_c = 0.1.
        if (c.Choice("settings", "official", "official", "paper") == "paper") options = options.WithPaperSettings();
        return enabled ? options.Validate(numClasses) : null;
    }

    /// <summary>
    /// dataset.train.strong_aug: the official section <c>{num_augs: N}</c> (train_semi.py only tests that
    /// the key is there; the datasets read num_augs) or ours, True / False with strong_ops for N. Absent
    /// reads as on, as every official iMAS config sets it. NumAugs is N when the official form gives it.
    /// </summary>
    public static (bool Enabled, int? NumAugs) StrongAug(ConfigNode train)
    {
        const string key = "dataset.train.strong_aug";
        if (!train.Has("strong_aug")) return (true, null);
        var raw = train.Mapping.Children[new YamlScalarNode("strong_aug")];
        return raw switch
        {
            YamlMappingNode => (true, train.Section("strong_aug").Int("num_augs", DataConfig.OfficialStrongOps, 1, 12)),
            YamlScalarNode => (train.Bool("strong_aug", false), null),   // an empty value is off, as the official .get(...) reads None
            _ => throw train.Error(key, "expected {num_augs: N} (the official form) or True / False", raw),
        };
    }

    /// <summary>
    /// The strong operations per image for iMAS: strong_aug.num_augs when the official form gives it,
    /// else strong_ops; both set must agree.
    /// </summary>
    public static int StrongOps(ConfigNode train, int strongOps)
    {
        if (StrongAug(train).NumAugs is not { } numAugs) return strongOps;
        if (train.Has("strong_ops") && strongOps != numAugs)
            throw train.Error("dataset.train.strong_ops", $"{strongOps} disagrees with dataset.train.strong_aug.num_augs = {numAugs}; set one of them");
        return numAugs;
    }

    public static ImasOptions Imas(ConfigNode root, double emaDecay, int supOnlyEpoch)
    {
        var u = root.Section("trainer").Section("unsupervised");
        var h = root.Section("dataset").Section("train").Section("hardness_aware");
        var d = new ImasOptions();
        var range = u.Doubles("use_cutmix_range", 2);
        return new ImasOptions
        {
            Threshold = u.Double("threshold", d.Threshold, 0, 1),
            LossWeight = u.Double("loss_weight", d.LossWeight, 0),
            FlagEmaPseudo = u.Bool("flag_ema_pseudo", d.FlagEmaPseudo),
            UseCutmix = u.Bool("use_cutmix", d.UseCutmix),
            UseCutmixBeta = u.Bool("use_cutmix_beta", d.UseCutmixBeta),
            UseCutmixRange = range ?? d.UseCutmixRange,
            UseCutmixTriggerProb = u.Double("use_cutmix_trigger_prob", d.UseCutmixTriggerProb, 0, 1),
            StrongAug = StrongAug(root.Section("dataset").Section("train")).Enabled,
            FlagUsingV1 = h.Bool("flag_using_v1", d.FlagUsingV1),
            FlagHardnessWeightedLoss = h.Bool("flag_hardness_weighted_loss", d.FlagHardnessWeightedLoss),
            FlagCalIouWeighted = h.Bool("flag_cal_iou_weighted", d.FlagCalIouWeighted),
            FlagCalIouIgnoreBg = h.Bool("flag_cal_iou_ignore_bg", d.FlagCalIouIgnoreBg),
            FlagCmixTriggerByHard = h.Bool("flag_cmix_trigger_by_hard", d.FlagCmixTriggerByHard),
            FlagAugsMixupByHard = h.Bool("flag_augs_mixup_by_hard", d.FlagAugsMixupByHard),
            FlagMappingRandom = h.Bool("flag_mapping_random", d.FlagMappingRandom),
            FlagMappingGaussian = h.Bool("flag_mapping_gaussian", d.FlagMappingGaussian),
            Ema = d.Ema with { Decay = emaDecay, SupOnlyEpoch = supOnlyEpoch },
        }.Validate();
    }
}
