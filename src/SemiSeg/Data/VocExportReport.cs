using System.Globalization;
using System.Text;

namespace SemiSeg.Data;

/// <summary>What <see cref="VocExport.Export"/> wrote: sample count, lists with their entry counts, time.</summary>
public sealed record VocExportReport(string Source, string Output, int Samples, int WithoutMask, IReadOnlyList<string> ClassNames,
                                     IReadOnlyList<(string List, int Entries)> Lists, double Seconds)
{
    /// <summary>The text of export-voc.txt: first line the source and counts, then every list.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"VOC export of {Source}: {Samples} images ({WithoutMask} without a mask, written all-255), {ClassNames.Count} classes\n");
        text.Append("JPEGImages/<id>.jpg hold lossless PNG bytes (the official base.py names .jpg; PIL and OpenCV decode by content)\n");
        text.Append("SegmentationClassAug/<id>.png: one channel, class indices, 255 ignore\n");
        foreach (var (list, entries) in Lists)
            text.Append(CultureInfo.InvariantCulture, $"{list}\t{entries}\n");
        return text.ToString();
    }
}
