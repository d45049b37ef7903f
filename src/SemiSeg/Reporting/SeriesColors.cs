namespace SemiSeg.Reporting;

/// <summary>The colour of the n-th run in every chart: the ten "tab10" colours, then repeating.</summary>
internal static class SeriesColors
{
    private static readonly Rgb[] Colors =
    {
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    };

    public static Rgb Of(int index) => Colors[index % Colors.Length];
}
