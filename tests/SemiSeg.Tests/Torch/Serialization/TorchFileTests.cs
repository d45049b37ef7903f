using System.IO.Compression;
using SemiSeg.Torch.Serialization;
using SemiSeg.Tests.Torch.nn;
using TorchApi = SemiSeg.Torch.Torch;

namespace SemiSeg.Tests.Torch.Serialization;

public sealed class TorchFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("torchfile-").FullName;

    private string PathOf(string name) => Path.Combine(directory, name);

    private static TorchDict Checkpoint()
    {
        using var scope = TorchApi.NewDisposeScope();
        var model = new TorchDict
        {
            { "conv.weight", TorchValue.FromTensor(Tensor.From(new float[] { 1.5f, -2, 3, 4.25f, 5, 6 }, 2, 3)) },
            { "bn.num_batches_tracked", TorchValue.FromTensor(Tensor.Scalar(7L)) },
        };
        return new TorchDict
        {
            { "model_state", model },
            { "epoch", 3 },
            { "best_miou", 0.625 },
            { "method", "u2pl" },
            { "resumed", true },
            { "nothing", TorchValue.None() },
            { "history", TorchValue.FromList(new TorchValue[] { 1, 2.5, "x" }) },
            { "optimizer", new TorchDict { { "state", new TorchDict { { 0, TorchValue.FromTensor(TorchApi.Zeros(new long[] { 2 })) } } } } },
        };
    }

    [Fact]
    public void NestedCheckpointRoundTripsWithOrderAndTypes()
    {
        var path = PathOf("checkpoint.pth");
        using (var checkpoint = Checkpoint()) TorchFile.Save(path, checkpoint);
        using var loaded = TorchFile.LoadDict(path);
        Assert.Equal(new TorchKey[] { "model_state", "epoch", "best_miou", "method", "resumed", "nothing", "history", "optimizer" }, loaded.Keys);
        var model = loaded.GetDict("model_state");
        Assert.Equal(new TorchKey[] { "conv.weight", "bn.num_batches_tracked" }, model.Keys);
        Assert.Equal(new float[] { 1.5f, -2, 3, 4.25f, 5, 6 }, model.GetTensor("conv.weight").ToArray<float>());
        Assert.Equal(new long[] { 2, 3 }, model.GetTensor("conv.weight").Shape);
        Assert.Equal(7L, model.GetTensor("bn.num_batches_tracked").ItemInt());
        Assert.Equal(ScalarType.Int64, model.GetTensor("bn.num_batches_tracked").Dtype);
        Assert.Equal(3, loaded.GetInt("epoch"));
        Assert.Equal(0.625, loaded.GetDouble("best_miou"));
        Assert.Equal("u2pl", loaded.GetString("method"));
        Assert.True(loaded.GetBool("resumed"));
        Assert.True(loaded["nothing"].IsNone);
        Assert.Equal("x", loaded.GetList("history")[2].AsString());
        Assert.Equal(TorchValueKind.Double, loaded.GetList("history")[1].Kind);
        Assert.True(loaded.GetDict("optimizer").GetDict("state").Keys.Single().IsInt);   // int keys stay ints
    }

    [Fact]
    public void FileIsTorchSavesZipLayout()
    {
        var path = PathOf("layout.pth");
        using (var checkpoint = Checkpoint()) TorchFile.Save(path, checkpoint);
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        // archive/data.pkl (the pickle), archive/data/<key> (raw storages), archive/version.
        Assert.Contains("archive/data.pkl", names);
        Assert.Contains("archive/version", names);
        var storages = names.Where(n => n.StartsWith("archive/data/")).ToList();
        Assert.Equal(3, storages.Count);
        var sizes = storages.Select(n => zip.GetEntry(n)!.Length).OrderBy(n => n).ToArray();
        Assert.Equal(new long[] { 8, 8, 24 }, sizes);   // int64 scalar, 2 floats, 6 floats
        using var pickle = new StreamReader(zip.GetEntry("archive/data.pkl")!.Open(), System.Text.Encoding.Latin1);
        var text = pickle.ReadToEnd();
        Assert.Contains("torch._utils", text);      // tensors rebuilt the way torch.load expects
        Assert.Contains("_rebuild_tensor_v2", text);
        Assert.Contains("FloatStorage", text);
    }

    [Fact]
    public void BothReadersAgreeOnLibtorchWrittenAndPlainPythonFiles()
    {
        var path = PathOf("both.pth");
        using (var checkpoint = Checkpoint()) TorchFile.Save(path, checkpoint);
        foreach (var file in new[] { path, NnFixtures.Path("batchnorm.pth"), NnFixtures.Path("tiny_io.pth") })
        {
            using var managed = TorchFile.Load(file);
            using var native = TorchFile.LoadWithLibtorch(file);
            AssertSame(native, managed, file);
        }
    }

    [Fact]
    public void LibtorchAloneCannotReadAStateDictSavedByPython()
    {
        // Why the managed reader exists: pickle_load of libtorch 1.13 turns OrderedDict into None.
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.LoadWithLibtorch(NnFixtures.Path("tiny_state.pth")));
        Assert.Contains("tiny_state.pth", error.Message);
        using var state = TorchFile.LoadDict(NnFixtures.Path("tiny_state.pth"));
        Assert.Equal(33, state.Count);
    }

    [Fact]
    public void SaveReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        var path = PathOf("model.pth");
        using (var first = new TorchDict { { "epoch", 1 } }) TorchFile.Save(path, first);
        using (var second = new TorchDict { { "epoch", 2 } }) TorchFile.Save(path, second);
        using (var loaded = TorchFile.LoadDict(path)) Assert.Equal(2, loaded.GetInt("epoch"));
        var before = File.ReadAllBytes(path);

        // A save that fails while converting leaves the old file as it was.
        var disposed = TorchValue.FromTensor(TorchApi.Zeros(new long[] { 1 }));
        disposed.AsTensor().Dispose();
        using (var broken = new TorchDict { { "epoch", 3 }, { "weights", disposed } })
        {
            var error = Assert.Throws<ArgumentException>(() => TorchFile.Save(path, broken));
            Assert.Contains(path, error.Message);
            Assert.Contains("'weights'", error.Message);
        }
        Assert.Equal(before, File.ReadAllBytes(path));

        // A save that fails after writing (the rename target is a directory) removes its temporary file.
        var blocked = PathOf("blocked.pth");
        Directory.CreateDirectory(blocked);
        using (var value = new TorchDict { { "epoch", 4 } })
            Assert.Contains(blocked, Assert.Throws<IOException>(() => TorchFile.Save(blocked, value)).Message);
        Assert.Equal(new[] { "blocked.pth", "model.pth" }, Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        var missing = PathOf("missing.pth");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => TorchFile.Load(missing)).Message);
        var text = PathOf("notes.pth");
        File.WriteAllText(text, "not a zip");
        Assert.Contains(text, Assert.Throws<InvalidDataException>(() => TorchFile.Load(text)).Message);
        var list = PathOf("list.pth");
        TorchFile.Save(list, TorchValue.FromList(new TorchValue[] { 1 }));
        Assert.Contains("not a dict", Assert.Throws<InvalidDataException>(() => TorchFile.LoadDict(list)).Message);
        var state = NnFixtures.Path("tiny_state.pth");
        using var model = new TinyNet();
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.LoadStateDict(state, model, entry: "model_state"));
        Assert.Contains("tiny_state.pth", error.Message);
        Assert.Contains("no key 'model_state'", error.Message);
    }

    [Fact]
    public void ModuleStateDictRoundTripsThroughAFileUnderASubKey()
    {
        using var source = new TinyNet(new Generator(1));
        using var target = new TinyNet(new Generator(2));
        var path = PathOf("checkpoint.pth");
        using (var checkpoint = new TorchDict { { "model_state", TorchDict.FromTensors(source.StateDict("module")) }, { "epoch", 3 } })
            TorchFile.Save(path, checkpoint);
        var report = TorchFile.LoadStateDict(path, target, entry: "model_state", stripPrefix: "module.");
        Assert.True(report.IsExact);
        foreach (var ((key, a), (_, b)) in source.StateDict().Zip(target.StateDict()))
            Assert.True(NnFixtures.MaxAbsDiff(a, b) == 0, key);
    }

    private static void AssertSame(TorchValue expected, TorchValue actual, string where)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        switch (expected.Kind)
        {
            case TorchValueKind.Tensor:
                Assert.Equal(expected.AsTensor().Dtype, actual.AsTensor().Dtype);
                Assert.Equal(0.0, NnFixtures.MaxAbsDiff(expected.AsTensor(), actual.AsTensor()));
                break;
            case TorchValueKind.List:
                Assert.Equal(expected.AsList().Count, actual.AsList().Count);
                foreach (var (e, a) in expected.AsList().Zip(actual.AsList())) AssertSame(e, a, where);
                break;
            case TorchValueKind.Dict:
                Assert.Equal(expected.AsDict().Keys, actual.AsDict().Keys);
                foreach (var ((_, e), (_, a)) in expected.AsDict().Zip(actual.AsDict())) AssertSame(e, a, where);
                break;
            default:
                Assert.Equal(expected.Describe(), actual.Describe());
                break;
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
