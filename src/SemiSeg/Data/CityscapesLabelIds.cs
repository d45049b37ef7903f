using SemiSeg.Torch;

namespace SemiSeg.Data;

/// <summary>
/// Converts Cityscapes' raw <c>*_gtFine_labelIds.png</c> (ids 0-33) to the 19 train ids
/// (<c>*_gtFine_labelTrainIds.png</c>) with the table of cityscapesScripts' labels.py; ids that
/// are not evaluated map to 255.
/// </summary>
public static class CityscapesLabelIds
{
    public const string LabelIdSuffix = "_gtFine_labelIds.png";

    // TrainIdOf[labelId]; the 34 ids of labels.py. 255 = not trained on.
    private static readonly byte[] TrainIdOf =
    {
        255, 255, 255, 255, 255, 255, 255, 0, 1, 255, 255, 2, 3, 4, 255, 255, 255, 5, 255, 6,
        7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 16, 17, 18,
    };

    public static byte TrainId(int labelId) =>
        labelId >= 0 && labelId < TrainIdOf.Length ? TrainIdOf[labelId] : throw new ArgumentOutOfRangeException(nameof(labelId), labelId, "Cityscapes label ids are 0-33");

    /// <summary>Converts one label image; an id outside 0-33 (255 is kept as ignore) is an error naming the file.</summary>
    public static ByteImage Convert(string labelIdsPath)
    {
        var ids = LabelImage.Read(labelIdsPath, allowPaletteColors: false);
        var train = new ByteImage(ids.Height, ids.Width, 1);
        for (var i = 0; i < ids.Pixels.Length; i++)
        {
            var id = ids.Pixels[i];
            if (id < TrainIdOf.Length) train.Pixels[i] = TrainIdOf[id];
            else if (id == LabelImage.IgnoreIndex) train.Pixels[i] = LabelImage.IgnoreIndex;
            else throw new DatasetException(labelIdsPath, $"label id {id} at row {i / ids.Width}, column {i % ids.Width} is not a Cityscapes id (0-33)");
        }
        return train;
    }

    /// <summary>Writes a train-id PNG beside every labelIds PNG under <paramref name="root"/>/gtFine; returns how many.</summary>
    public static int ConvertTree(string root, bool overwrite = false)
    {
        var gtFine = Path.Combine(root, "gtFine");
        if (!Directory.Exists(gtFine)) throw new DatasetException(root, "not a Cityscapes root: it has no gtFine folder");
        var sources = Directory.EnumerateFiles(gtFine, "*" + LabelIdSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var written = 0;
        try
        {
            Parallel.ForEach(sources, source =>
            {
                var target = source[..^LabelIdSuffix.Length] + CityscapesDataset.TrainIdSuffix;
                if (!overwrite && File.Exists(target)) return;
                ImageFile.Write(target, Convert(source));
                Interlocked.Increment(ref written);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is DatasetException) is DatasetException first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        return written;
    }
}
