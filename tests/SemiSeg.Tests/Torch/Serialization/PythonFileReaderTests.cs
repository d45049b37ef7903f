using SemiSeg.Torch.Serialization;
using SemiSeg.Tests.Torch.nn;

namespace SemiSeg.Tests.Torch.Serialization;

/// <summary>The managed reader on what Python's torch.save writes (pickle_cases.pth, tools/make_nn_fixtures.py).</summary>
public class PythonFileReaderTests
{
    [Fact]
    public void ReadsNumbersStringsTuplesAndDictsOfEveryPickleForm()
    {
        using var cases = TorchFile.LoadDict(NnFixtures.Path("pickle_cases.pth"));
        // BININT1, BININT2, BININT, LONG1 of 5 and 8 bytes, negatives.
        Assert.Equal(new long[] { 0, 1, -1, 255, 256, 65535, 65536, int.MinValue, 1L << 31, 1L << 62, long.MinValue },
                     cases.GetList("ints").Select(v => v.AsInt()));
        Assert.Equal(new[] { 0.0, -1.5, 1e-300, double.PositiveInfinity }, cases.GetList("floats").Select(v => v.AsDouble()));
        Assert.Equal("\u00fcn\u00efcode \u2713", cases.GetString("text"));
        var flags = cases.GetList("flags");   // a tuple loads as a list
        Assert.True(flags[0].AsBool());
        Assert.False(flags[1].AsBool());
        Assert.True(flags[2].IsNone);
        Assert.Equal(1, cases.GetDict("one").GetInt("only"));   // a one-entry dict (SETITEM)
        var intKeys = cases.GetDict("int_keys");
        Assert.Equal(new TorchKey[] { 0L, 7L }, intKeys.Keys);
        Assert.Equal("b", intKeys.GetString(7));
        Assert.Equal(new float[] { 1, 1 }, cases.GetDict("nested").GetDict("x").GetTensor("y").ToArray<float>());
    }

    [Fact]
    public void ReadsViewsThatShareAStorageAndEveryDtype()
    {
        using var cases = TorchFile.LoadDict(NnFixtures.Path("pickle_cases.pth"));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), cases.GetTensor("base").ToArray<float>());
        var view = cases.GetTensor("view");   // base[:, 1:3]: offset 1, strides (4, 1)
        Assert.Equal(new long[] { 3, 2 }, view.Shape);
        Assert.Equal(new float[] { 1, 2, 5, 6, 9, 10 }, view.ToArray<float>());
        var transposed = cases.GetTensor("transposed");
        Assert.Equal(new long[] { 4, 3 }, transposed.Shape);
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, transposed.ToArray<float>());
        Assert.Equal(new[] { 1.25, -2.5 }, cases.GetTensor("float64").ToArray<double>());
        Assert.Equal(new[] { -3, 4 }, cases.GetTensor("int32").ToArray<int>());
        Assert.Equal(new[] { true, false }, cases.GetTensor("bool").ToArray<bool>());
        Assert.Equal(ScalarType.Float16, cases.GetTensor("float16").Dtype);
        Assert.Equal(new float[] { 0.5f, 2 }, cases.GetTensor("float16").Float().ToArray<float>());
        Assert.Equal(ScalarType.BFloat16, cases.GetTensor("bfloat16").Dtype);
        Assert.Equal(new float[] { 1.5f }, cases.GetTensor("bfloat16").Float().ToArray<float>());
        Assert.Equal(new byte[] { 0, 255 }, cases.GetTensor("uint8").ToArray<byte>());
        Assert.Equal(0, cases.GetTensor("scalar").Dim);
        Assert.Equal(3.5, cases.GetTensor("scalar").Item());
        Assert.Equal(new long[] { 0, 3 }, cases.GetTensor("empty").Shape);
    }

    [Fact]
    public void RefusesAPickledModuleByName()
    {
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(NnFixtures.Path("whole_module.pth")));
        Assert.Contains("whole_module.pth", error.Message);
        Assert.Contains("torch.nn.modules.linear.Linear", error.Message);
        Assert.Contains("save a state_dict", error.Message);
    }

    [Fact]
    public void TypedReadsNameTheKeyAndWhatWasFound()
    {
        using var cases = TorchFile.LoadDict(NnFixtures.Path("pickle_cases.pth"));
        var wrongType = Assert.Throws<InvalidCastException>(() => cases.GetTensor("text"));
        Assert.Equal("key 'text': expected a tensor, found a string ('\u00fcn\u00efcode \u2713')", wrongType.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => cases.GetDict("model_state"));
        Assert.StartsWith("no key 'model_state'; the dictionary has 'ints', 'floats', 'text'", missing.Message);
        var notStateDict = Assert.Throws<InvalidCastException>(() => cases.ToTensors());
        Assert.Contains("key 'ints': expected a tensor, found a list of 11 items", notStateDict.Message);
    }
}
