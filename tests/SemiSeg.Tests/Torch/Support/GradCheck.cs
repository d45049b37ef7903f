namespace SemiSeg.Tests.Torch.Support;

using Torch = SemiSeg.Torch.Torch;

/// <summary>
/// Compares the gradients autograd computes (backward()) with central finite differences, in
/// float64, as torch.autograd.gradcheck does. A non-scalar output is reduced to
/// sum(w * f(x)) with fixed, uneven weights w, so every output element and its position count.
/// </summary>
internal static class GradCheck
{
    /// <summary>Asserts the check for every element of every input; returns the analytic gradients (one array per input).</summary>
    public static double[][] Check(Func<Tensor[], Tensor> function, Tensor[] inputs, double step = 1e-6, double atol = 1e-6, double rtol = 1e-4)
    {
        foreach (var input in inputs)
            Assert.True(input.Dtype == ScalarType.Float64, $"gradient checks run in float64, got {input}");
        var shapes = inputs.Select(x => x.Shape).ToArray();
        var data = inputs.Select(x => x.ToArray<double>()).ToArray();

        double[][] analytic;
        double[] weight;
        using (var scope = Torch.NewDisposeScope())
        {
            var leaves = inputs.Select(x => x.Detach().RequiresGrad_()).ToArray();
            var output = function(leaves);
            Assert.True(output.Dtype == ScalarType.Float64, $"the checked function returned {output}, expected float64");
            weight = Weights(output.NumEl);
            var loss = (output * Tensor.From<double>(weight.AsSpan(), output.Shape)).Sum();
            loss.Backward();
            analytic = leaves.Select(l => l.Grad?.ToArray<double>() ?? new double[l.NumEl]).ToArray();
        }

        for (var i = 0; i < data.Length; i++)
        {
            for (var k = 0; k < data[i].Length; k++)
            {
                var saved = data[i][k];
                data[i][k] = saved + step;
                var plus = Evaluate(function, data, shapes, weight);
                data[i][k] = saved - step;
                var minus = Evaluate(function, data, shapes, weight);
                data[i][k] = saved;
                var numeric = (plus - minus) / (2 * step);
                Assert.True(Math.Abs(analytic[i][k] - numeric) <= atol + rtol * Math.Abs(numeric),
                    $"input {i} element {k}: backward gives {analytic[i][k]:R}, central difference {numeric:R}");
            }
        }
        return analytic;
    }

    private static double Evaluate(Func<Tensor[], Tensor> function, double[][] data, long[][] shapes, double[] weight)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var inputs = data.Select((d, i) => Tensor.From<double>(d.AsSpan(), shapes[i])).ToArray();
        var output = function(inputs);
        return (output * Tensor.From<double>(weight.AsSpan(), output.Shape)).Sum().Item();
    }

    // Uneven and never zero, so a wrong element order or a dropped element changes the sum.
    private static double[] Weights(long count) =>
        Enumerable.Range(0, (int)count).Select(k => 1.5 + Math.Sin(0.9 * k + 0.3)).ToArray();
}
