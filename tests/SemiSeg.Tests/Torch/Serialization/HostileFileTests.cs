using System.IO.Compression;
using System.Text;
using SemiSeg.Torch.Serialization;

namespace SemiSeg.Tests.Torch.Serialization;

/// <summary>
/// Issue 19, items 4, 7, 8, 9: damaged or crafted .pth files end in one line naming the file, before
/// anything the file claims is allocated: CRC-32 per entry, sizes bounded by the file, views bounded
/// by their storage, nesting bounded.
/// </summary>
public class HostileFileTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("semiseg-hostile-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void AFlippedByteInsideATensorFailsTheCrcCheck()
    {
        var path = Path.Combine(root, "ckpt.pth");
        using (var scope = SemiSeg.Torch.Torch.NewDisposeScope())
        using (var dict = new TorchDict())
        {
            dict.Set("weights", TorchValue.FromTensor(SemiSeg.Torch.Torch.Full(new long[] { 64 }, 1234.5)));
            TorchFile.Save(path, dict);
        }
        var bytes = File.ReadAllBytes(path);
        var pattern = BitConverter.GetBytes(1234.5f);
        var at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at > 0, "the tensor's bytes are stored as they are");
        bytes[at + 1] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("CRC-32", error.Message);
    }

    [Fact]
    public void AZipBombIsRefusedByItsDeclaredSizeBeforeItIsInflated()
    {
        // 64 MB of zeros deflates to about 64 KB: the entry claims far more than the file holds.
        var path = Archive("bomb.pth", Pickle.Tensor(16 * 1024 * 1024), ("archive/data/0", new byte[64 << 20], CompressionLevel.Optimal));
        Assert.True(new FileInfo(path).Length < 1 << 20);
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("claims 67108864 bytes", error.Message);
    }

    [Theory]
    [InlineData(0xFFFFFF00u)]   // 4 GB: used to end in an OverflowException trace
    [InlineData(0x80000000u)]   // 2 GB: used to give a message without the file
    public void ASizeFieldClaimingGigabytesIsOneLineNamingTheFile(uint claimed)
    {
        var path = Archive("claims.pth", Pickle.Tensor(4), ("archive/data/0", new byte[16], CompressionLevel.NoCompression));
        var bytes = File.ReadAllBytes(path);
        // Every header (local and central) of the storage entry gets the claimed uncompressed size.
        foreach (var (signature, offset) in new[] { (0x04034b50u, 22), (0x02014b50u, 24) })
            for (var k = 0; k + 60 <= bytes.Length; k++)
                if (BitConverter.ToUInt32(bytes, k) == signature && Encoding.ASCII.GetString(bytes, k + (signature == 0x04034b50u ? 30 : 46), 14) == "archive/data/0")
                    BitConverter.GetBytes(claimed).CopyTo(bytes, k + offset);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void AZeroStrideViewLargerThanItsStorageIsRefused()
    {
        // A [65536, 4] tensor over a 4-element storage through stride (0, 1): 16 bytes that would copy into 1 MB.
        var path = Archive("stride.pth", Pickle.Tensor(4, size: (65536, 4), stride: (0, 1)), ("archive/data/0", new byte[16], CompressionLevel.NoCompression));
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("addresses 262144 elements of a storage of 4", error.Message);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(65)]
    public void ListsNestedTooDeepAreRefusedWithoutOverflowingTheStack(int depth)
    {
        // EMPTY_LIST x depth, then APPEND x (depth - 1): one list nested depth levels.
        var pickle = new List<byte> { 0x80, 2 };
        pickle.AddRange(Enumerable.Repeat((byte)']', depth));
        pickle.AddRange(Enumerable.Repeat((byte)'a', depth - 1));
        pickle.Add((byte)'.');
        var path = Archive("deep.pth", pickle.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains($"deeper than {64} levels", error.Message);
    }

    [Fact]
    public void AListThatContainsItselfIsRefused()
    {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND: l = []; l.append(l).
        var path = Archive("cycle.pth", new byte[] { 0x80, 2, (byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a', (byte)'.' });
        var error = Assert.Throws<InvalidDataException>(() => TorchFile.Load(path));
        Assert.Contains("deeper than", error.Message);
    }

    [Fact]
    public void AFileSavedHereStillLoads()
    {
        var path = Path.Combine(root, "fine.pth");
        using (var scope = SemiSeg.Torch.Torch.NewDisposeScope())
        using (var dict = new TorchDict())
        {
            dict.Set("x", TorchValue.FromTensor(SemiSeg.Torch.Torch.Full(new long[] { 3, 2 }, 2)));
            TorchFile.Save(path, dict);
        }
        using var loaded = TorchFile.LoadDict(path);
        Assert.Equal(new float[] { 2, 2, 2, 2, 2, 2 }, loaded.GetTensor("x").ToArray<float>());
    }

    private string Archive(string name, byte[] pickle, params (string Name, byte[] Bytes, CompressionLevel Level)[] entries)
    {
        var path = Path.Combine(root, name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (entryName, bytes, level) in entries.Prepend(("archive/data.pkl", pickle, CompressionLevel.NoCompression)))
            {
                using var stream = zip.CreateEntry(entryName, level).Open();
                stream.Write(bytes);
            }
        }
        return path;
    }

    /// <summary>Hand-written protocol 2 pickles of what torch.save writes for one tensor.</summary>
    private static class Pickle
    {
        /// <summary>{"x": _rebuild_tensor_v2(storage('0', FloatStorage, numel), 0, size, stride, False, None)}.</summary>
        public static byte[] Tensor(int numel, (int, int)? size = null, (int, int)? stride = null)
        {
            var (rows, cols) = size ?? (1, numel);
            var (rowStride, colStride) = stride ?? (numel, 1);
            var p = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' };
            Text(p, "x");
            Ascii(p, "ctorch._utils\n_rebuild_tensor_v2\n(");
            Ascii(p, "(");
            Text(p, "storage");
            Ascii(p, "ctorch\nFloatStorage\n");
            Text(p, "0");
            Text(p, "cpu");
            Int(p, numel);
            Ascii(p, "tQ");
            Int(p, 0);
            Ascii(p, "(");
            Int(p, rows);
            Int(p, cols);
            Ascii(p, "t(");
            Int(p, rowStride);
            Int(p, colStride);
            Ascii(p, "t\x89NtRu.");
            return p.ToArray();
        }

        private static void Ascii(List<byte> p, string s) => p.AddRange(Encoding.Latin1.GetBytes(s));

        private static void Text(List<byte> p, string s)
        {
            p.Add((byte)'X');
            p.AddRange(BitConverter.GetBytes(s.Length));
            p.AddRange(Encoding.UTF8.GetBytes(s));
        }

        private static void Int(List<byte> p, int value)
        {
            p.Add((byte)'J');
            p.AddRange(BitConverter.GetBytes(value));
        }
    }
}
