using System.Text.Json;
using SemiSeg.Torch.optim;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.optim;

/// <summary>
/// GradScaler against PyTorch's GradScaler on the same sequence of steps with injected inf and NaN
/// gradients (tools/make_amp_fixtures.py, Fixtures/amp/grad_scaler.json; its "executed" field says
/// what ran): the scale used, the skip decision, the scale and growth tracker after update, and the
/// weights of an SGD with momentum, every step.
/// </summary>
public sealed class GradScalerTests
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "amp", "grad_scaler.json"))).RootElement;

    private static GradScaler NewScaler(JsonElement kwargs) => new(
        kwargs.TryGetProperty("init_scale", out var s) ? s.GetDouble() : 65536.0,
        kwargs.TryGetProperty("growth_factor", out var g) ? g.GetDouble() : 2.0,
        kwargs.TryGetProperty("backoff_factor", out var b) ? b.GetDouble() : 0.5,
        kwargs.TryGetProperty("growth_interval", out var i) ? i.GetInt32() : 2000);

    /// <summary>One step of the script: loss = sum(w * x_k), x_k = [1 + k, 0.5, -0.25 k]; returns whether SGD stepped.</summary>
    private static bool Step(Tensor weight, SGD optimizer, GradScaler scaler, int k, string? inject)
    {
        using var scope = TorchApi.NewDisposeScope();
        optimizer.ZeroGrad();
        var loss = (weight * Tensor.From(new float[] { 1f + k, 0.5f, -0.25f * k })).Sum();
        scaler.Scale(loss).Backward();
        if (inject is not null)
            weight.Grad!.Narrow(0, 0, 1).FillInPlace(inject == "inf" ? double.PositiveInfinity : double.NaN);
        var stepped = scaler.Step(optimizer);
        scaler.Update();
        return stepped;
    }

    [Theory]
    [InlineData("defaults")]
    [InlineData("growth_interval_3")]
    [InlineData("factors")]
    [InlineData("overflow")]
    public void ScalesAndSkipsMatchPyTorchsGradScaler(string name)
    {
        var scenario = Fixture.GetProperty("scenarios").GetProperty(name);
        using var weight = Tensor.From(new float[] { 0.5f, -1f, 2f }).DetachFromDisposeScope().RequiresGrad_();
        using var optimizer = new SGD(new[] { weight }, lr: Fixture.GetProperty("lr").GetDouble(), momentum: Fixture.GetProperty("momentum").GetDouble());
        using var scaler = NewScaler(scenario.GetProperty("kwargs"));
        var skipped = 0;
        foreach (var record in scenario.GetProperty("records").EnumerateArray())
        {
            var k = record.GetProperty("step").GetInt32();
            var inject = record.GetProperty("inject").ValueKind == JsonValueKind.Null ? null : record.GetProperty("inject").GetString();
            Assert.Equal(record.GetProperty("scale_used").GetDouble(), scaler.CurrentScale);
            var stepped = Step(weight, optimizer, scaler, k, inject);
            Assert.True(record.GetProperty("skipped").GetBoolean() == !stepped, $"{name} step {k}: skipped {!stepped}");
            if (!stepped) skipped++;
            Assert.Equal(record.GetProperty("scale").GetDouble(), scaler.CurrentScale);
            Assert.Equal(record.GetProperty("growth_tracker").GetInt64(), scaler.GrowthTracker);
            var expected = record.GetProperty("weight").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var actual = weight.ToArray<float>();
            for (var j = 0; j < 3; j++) Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-6, $"{name} step {k}: w[{j}] {actual[j]} != {expected[j]}");
        }
        Assert.Equal(skipped, scaler.SkippedSteps);
    }

    [Fact]
    public void ASkippedStepLeavesTheWeightsAndMomentumAlone()
    {
        using var weight = Tensor.From(new float[] { 0.5f, -1f, 2f }).DetachFromDisposeScope().RequiresGrad_();
        using var optimizer = new SGD(new[] { weight }, lr: 0.1, momentum: 0.9);
        using var scaler = new GradScaler();
        Assert.True(Step(weight, optimizer, scaler, 0, null));
        var before = weight.ToArray<float>();
        var momentum = optimizer.MomentumBuffer(weight)!.ToArray<float>();
        Assert.False(Step(weight, optimizer, scaler, 1, "nan"));
        Assert.Equal(before, weight.ToArray<float>());
        Assert.Equal(momentum, optimizer.MomentumBuffer(weight)!.ToArray<float>());
        Assert.Equal(32768.0, scaler.CurrentScale);
    }

    [Fact]
    public void StateDictRoundTripsAndResumesTheSameSequence()
    {
        using var weight = Tensor.From(new float[] { 0.5f, -1f, 2f }).DetachFromDisposeScope().RequiresGrad_();
        using var optimizer = new SGD(new[] { weight }, lr: 0.1);
        using var scaler = new GradScaler(initScale: 1024, growthInterval: 3);
        Step(weight, optimizer, scaler, 0, null);
        Step(weight, optimizer, scaler, 1, "inf");
        Step(weight, optimizer, scaler, 2, null);
        using var state = scaler.StateDict();
        Assert.Equal(512.0, state.GetDouble("scale"));
        Assert.Equal(1, state.GetInt("_growth_tracker"));

        using var resumed = new GradScaler(initScale: 1024, growthInterval: 3);
        resumed.LoadStateDict(state, Device.CPU);
        Assert.Equal(512.0, resumed.CurrentScale);
        Assert.Equal(1, resumed.GrowthTracker);
        Assert.Equal(1, resumed.SkippedSteps);
        for (var k = 3; k < 6; k++)
        {
            using var w2 = Tensor.From(new float[] { 0.5f, -1f, 2f }).DetachFromDisposeScope().RequiresGrad_();
            using var o2 = new SGD(new[] { w2 }, lr: 0.1);
            Assert.Equal(Step(weight, optimizer, scaler, k, null), Step(w2, o2, resumed, k, null));
            Assert.Equal(scaler.CurrentScale, resumed.CurrentScale);
            Assert.Equal(scaler.GrowthTracker, resumed.GrowthTracker);
        }
        Assert.Equal(1024.0, resumed.CurrentScale); // grown after 3 good steps: 2 more after the resume
    }

    [Fact]
    public void LoadingAScalerOfOtherFactorsIsRefused()
    {
        using var scaler = new GradScaler(growthInterval: 3);
        using var state = scaler.StateDict();
        using var other = new GradScaler();
        var error = Assert.Throws<InvalidDataException>(() => other.LoadStateDict(state, Device.CPU));
        Assert.Contains("growth_interval", error.Message);
    }
}
