using SemiSeg.Data;
using SemiSeg.Models;
using SemiSeg.Torch.Serialization;
using SemiSeg.Training;

namespace SemiSeg.Methods.Ael;

using Torch = global::SemiSeg.Torch.Torch;

/// <summary>
/// U2PL with AEL as the official with_AEL branch trains it (train.py:372-826; docs/u2pl-ael.md), step
/// for step:
/// <list type="number">
/// <item>copy-paste categories drawn from the confidence bank; the labelled images get pixels of those
/// classes from a random labelled partner (<see cref="AdaptiveCopyPaste"/>);</item>
/// <item>one of the loader's unlabelled images, and one fetched from the CutMix bank for a class drawn
/// from the confidence bank (<see cref="AdaptiveCutMixBank"/>);</item>
/// <item>student forward on the labelled images, teacher train-mode forward on them, teacher eval-mode
/// forward on the two unlabelled images, the CutMix box of the drawn class in the fetched image
/// (<see cref="AdaptiveCutMixMask"/>), the bank update, the mixed image; teacher train-mode forward
/// on the mixed image (representations), student forward on it;</item>
/// <item>the losses (<see cref="U2plAelStep"/>), then the EMA teacher with decay min(1 - 1/(i + 1), ema_decay)
/// from the first step, no warm start and no copy.</item>
/// </list>
/// Random streams: <c>torchStream</c> stands for the branch's global torch generator (the confidence
/// bank's start, the equalisation sampling, the contrastive draws), <c>host</c> for its numpy and
/// Python draws; partners are drawn per step from the run seed. All are in the checkpoint, with both banks
/// and the memory bank, so a resumed run continues exactly.
/// </summary>
public sealed class U2plAelMethod : ISegmentationMethod, IUsesTrainingData
{
    private readonly U2plAelOptions options;
    private readonly U2plAelStep step;
    private readonly EmaTeacher ema;
    private readonly int numClasses;
    private readonly ulong seed;
    private readonly Generator torchStream;
    private readonly Generator host;
    private readonly AelConfidenceBank confidence;
    private readonly int[] pasteTargets;
    private AdaptiveCutMixBank? cutmix;
    private CategoryMemoryBank? bank;
    private DataSources? data;
    private SegmentationTransform? pasteTransform;

    public U2plAelMethod(SupervisedCriterion criterion, ContrastiveOptions? contrastive, U2plAelOptions options, int numClasses, ulong seed)
    {
        this.options = options.Validate(numClasses);
        this.numClasses = numClasses;
        this.seed = seed;
        step = new U2plAelStep(criterion, contrastive, options.Step, numClasses);
        ema = new EmaTeacher(new EmaOptions { Decay = options.EmaDecay, SupOnlyEpoch = 0, IncludeBuffers = options.EmaBuffers });
        torchStream = new Generator(seed);
        host = new Generator(seed + 1);
        confidence = new AelConfidenceBank(numClasses, options.Momentum, torchStream);   // train.py:133-136, before any other torch draw
        pasteTargets = AdaptiveCopyPaste.TargetCategories(numClasses, options.PasteIgnoredCategories);
    }

    public string Name => "u2pl_ael";
    public bool UsesUnlabeled => true;
    public bool UsesTeacher => true;
    public bool UsesStrongImages => false;

    /// <summary>The confidence bank (class_criterion).</summary>
    public AelConfidenceBank Confidence => confidence;

    /// <summary>The CutMix bank, once the data are attached.</summary>
    public AdaptiveCutMixBank? CutMixBank => cutmix;

    public void AttachData(DataSources sources)
    {
        data = sources;
        var unlabeled = sources.Unlabeled ?? throw new ArgumentException("u2pl_ael needs unlabelled images");
        cutmix ??= new AdaptiveCutMixBank(numClasses, unlabeled.Count);
        // The partner's transform: the training one with acp.rand_resize, label padding 0 (the branch's Crop pads 0).
        pasteTransform = new SegmentationTransform(sources.TrainTransform.Options with { RandResize = options.PasteResize, LabelPad = 0, IntensityOps = 0 });
    }

    public StepLosses Step(StepInput input, TrainingModels models)
    {
        var teacher = models.RequireTeacher();
        var sources = data ?? throw new InvalidOperationException("u2pl_ael: AttachData was not called");
        var classConfidence = confidence.Confidence();
        var device = input.LabeledImages.Device;

        // 1. Adaptive copy-paste on the labelled images (train.py:376-410).
        var (images, labels) = (input.LabeledImages, input.Labels);
        if (options.CopyPaste)
        {
            var categories = AdaptiveCopyPaste.DrawCategories(classConfidence, pasteTargets, options.PasteCategoryDraws, host);
            var (pasteImages, pasteLabels) = PastePartners(sources, input, device);
            (images, labels) = AdaptiveCopyPaste.Paste(images, labels, pasteImages, pasteLabels, categories);
        }

        // 2. Each of the loader's unlabelled images with one fetched from the CutMix bank for a class drawn
        // from the confidence bank (train.py:433-449). The branch mixes one pair per GPU (one of its two
        // loaded images); one process cannot train on one image (batch norm of the ASPP pooling needs two
        // values per channel), so every image of the batch gets its own pair (docs/u2pl-ael.md).
        var unlabeled = input.UnlabeledImages ?? throw new ArgumentException("u2pl_ael needs unlabelled images");
        var indices = input.UnlabeledIndices ?? throw new ArgumentException("u2pl_ael needs the unlabelled images' dataset indices");
        var count = (int)unlabeled.Size(0);
        var samples = new (long Id, int Category)[count];
        var fetched = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = cutmix!.Sample(classConfidence, host);
            fetched[i] = Unlabelled(sources, (int)samples[i].Id, input.Iteration * count + i, device);
        }

        // 3. Forward passes in the branch's order (train.py:474-586).
        var (height, width) = (labels.Size(1), labels.Size(2));
        var studentSup = models.Student.Forward(images);
        SegmentationOutput teacherSup;
        Tensor strong, mixedLogits, strongRepresentation;
        using (Torch.NoGrad())
        {
            teacher.Train();
            teacherSup = teacher.Forward(images);
            teacher.Eval();
            var weakLarge = Upsample.ToLabels(teacher.Forward(Torch.Cat(new[] { unlabeled }.Concat(fetched))).Prediction, height, width);
            var strongList = new Tensor[count];
            var mixedList = new Tensor[count];
            for (var i = 0; i < count; i++)
            {
                var pairLogits = Torch.Stack(new[] { weakLarge.Select(0, i), weakLarge.Select(0, count + i) });
                var (mask, _) = AdaptiveCutMixMask.Generate(pairLogits.Select(0, 1).Argmax(0), samples[i].Category, options.AreaThreshold, host);
                mask = mask.To(device);
                var m = mask.To(ScalarType.Float32);
                strongList[i] = unlabeled.Select(0, i) * (1 - m) + fetched[i].Select(0, 0) * m;
                cutmix!.Update(pairLogits, indices[i], samples[i].Id, options.BankAreaThreshold);
                mixedList[i] = U2plAelStep.MixLogits(pairLogits, mask);
            }
            strong = Torch.Stack(strongList);
            mixedLogits = Torch.Cat(mixedList);
            teacher.Train();
            strongRepresentation = teacher.Forward(strong).Representation!;
        }
        var studentUnsup = models.Student.Forward(strong);

        // 4. The losses (train.py:474-789); the memory bank is made at the first contrastive step.
        if (step.ContrastiveOptions is { UseMemoryBank: true } c && bank is null && studentSup.Representation is not null)
            bank = CategoryMemoryBank.FromOptions(c, numClasses, studentSup.Representation.Size(1), device);
        return step.Losses(labels, studentSup, studentUnsup, teacherSup, mixedLogits, strongRepresentation, confidence, bank,
                           torchStream, input.Epoch, input.Epochs);
    }

    // Each labelled image's partner (cityscapes_semi_cp.py:84-97): with probability 1 - prob a random
    // labelled image under acp.rand_resize, else zeros (no partner).
    private (Tensor Images, Tensor Labels) PastePartners(DataSources sources, StepInput input, Device device)
    {
        var (count, height, width) = (input.Labels.Size(0), input.Labels.Size(1), input.Labels.Size(2));
        var random = DeterministicRandom.For(seed, 0xAE1, input.Iteration);
        var imageList = new Tensor[count];
        var labelList = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            if (random.NextDouble() > options.PasteProbability)
            {
                var index = random.NextInt(sources.Labeled.Count);
                var sample = pasteTransform!.Apply(sources.Labeled.Read(index), random);
                if (sample.Height == height && sample.Width == width)
                {
                    imageList[i] = Tensor.From<float>(sample.Image, new[] { 3L, height, width }, device);
                    labelList[i] = Tensor.From<byte>(sample.Label, new[] { height, width }, device).Long();
                    continue;
                }
            }
            imageList[i] = Torch.Zeros(new[] { 3L, height, width }, device: device);
            labelList[i] = Torch.Zeros(new[] { height, width }, ScalarType.Int64, device);
        }
        return (Torch.Stack(imageList), Torch.Stack(labelList));
    }

    // The bank's image under the unlabelled transform (train.py:445: dataset.__getitem__(index=sample_id)).
    private Tensor Unlabelled(DataSources sources, int index, long iteration, Device device)
    {
        var random = DeterministicRandom.For(seed, 0xAE2, iteration);
        var sample = sources.TrainTransform.Apply(sources.Unlabeled!.Read(index), random);
        return Tensor.From<float>(sample.Image, new[] { 1L, 3, sample.Height, sample.Width }, device);
    }

    /// <summary>The branch's EMA: decay min(1 - 1/(i + 1), ema_decay) from the first step (train.py:823-825).</summary>
    public void AfterOptimizerStep(StepInput input, TrainingModels models) =>
        ema.Update(models.RequireTeacher(), models.Student, Math.Min(1 - 1.0 / (input.Iteration + 1), options.EmaDecay));

    /// <summary>The branch validates the teacher (train.py:255).</summary>
    public SegmentationModel ModelToEvaluate(int epoch, TrainingModels models) => models.RequireTeacher();

    public void SaveState(TorchDict checkpoint)
    {
        GeneratorState.Save(checkpoint, torchStream);
        GeneratorState.Save(checkpoint, host, "ael_host_generator");
        Put(checkpoint, "ael_confidence_bank", confidence.GetState());
        if (cutmix is not null) Put(checkpoint, "ael_cutmix_bank", cutmix.GetState());
        if (bank is not null) Put(checkpoint, "memory_bank", bank.GetState());
    }

    public void LoadState(TorchDict checkpoint)
    {
        GeneratorState.Load(checkpoint, torchStream);
        GeneratorState.Load(checkpoint, host, "ael_host_generator");
        if (checkpoint.ContainsKey("ael_confidence_bank")) confidence.SetState(Get(checkpoint, "ael_confidence_bank"));
        if (checkpoint.ContainsKey("ael_cutmix_bank"))
        {
            var state = Get(checkpoint, "ael_cutmix_bank");
            cutmix ??= new AdaptiveCutMixBank(numClasses, state["cutmix_bank"].Size(1));
            cutmix.SetState(state);
        }
        if (checkpoint.ContainsKey("memory_bank") && step.ContrastiveOptions is { } c)
        {
            var state = Get(checkpoint, "memory_bank");
            bank ??= CategoryMemoryBank.FromOptions(c, numClasses, state.Values.First().Size(-1), state.Values.First().Device);
            bank.SetState(state);
        }
    }

    private static void Put(TorchDict checkpoint, string key, Dictionary<string, Tensor> state)
    {
        var dict = new TorchDict();
        foreach (var (name, tensor) in state)
        {
            dict.Set(name, TorchValue.FromTensor(tensor));
            tensor.Dispose();
        }
        checkpoint.Set(key, dict);
    }

    private static Dictionary<string, Tensor> Get(TorchDict checkpoint, string key) =>
        checkpoint.GetDict(key).ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value);

    public void Dispose()
    {
        torchStream.Dispose();
        host.Dispose();
        confidence.Dispose();
        cutmix?.Dispose();
        bank?.Dispose();
    }
}
