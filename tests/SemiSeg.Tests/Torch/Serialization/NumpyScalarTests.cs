using SemiSeg.Tests.Models;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Tests.Torch.Serialization;

/// <summary>
/// NumPy scalars in a torch.save file read as plain numbers, whichever pickle protocol wrote them
/// (tools/make_official_checkpoint.py: protocol 2 writes their bytes as _codecs.encode(text, "latin1"),
/// protocol 4 as BINBYTES); a NumPy array is refused by name.
/// </summary>
public class NumpyScalarTests
{
    [Theory]
    [InlineData("numpy_scalars_p2.pth")]
    [InlineData("numpy_scalars_p4.pth")]
    public void ScalarsReadAsBoolsLongsAndDoubles(string file)
    {
        using var values = TorchFile.LoadDict(OfficialFixtures.Path(file));
        Assert.Equal(0.4217391304347826, values.GetDouble("float64"));
        Assert.Equal(TorchValueKind.Double, values["float32"].Kind);
        Assert.Equal(0.25, values.GetDouble("float32"));
        Assert.Equal(-1.5, values.GetDouble("float16"));
        Assert.Equal(-3_000_000_000L, values.GetInt("int64"));
        Assert.Equal(-7, values.GetInt("int32"));
        Assert.Equal(300, values.GetInt("int16"));
        Assert.Equal(-128, values.GetInt("int8"));
        Assert.Equal(200, values.GetInt("uint8"));
        Assert.Equal(1L << 40, values.GetInt("uint64"));
        Assert.True(values.GetBool("bool_true"));
        Assert.False(values.GetBool("bool_false"));
    }

    [Fact]
    public void ANumpyArrayIsRefusedByName()
    {
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(OfficialFixtures.Path("numpy_array.pth")));
        Assert.Contains("numpy_array.pth", error.Message);
        Assert.Contains("numpy.core.multiarray._reconstruct", error.Message);
    }
}
