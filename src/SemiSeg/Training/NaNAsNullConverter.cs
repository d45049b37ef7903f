using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemiSeg.Training;

/// <summary>
/// A double that may be NaN ("not measured", e.g. the mIoU of an epoch without evaluation) is
/// written as JSON null, which every JSON reader accepts (NaN is not JSON), and read back as NaN.
/// </summary>
public sealed class NaNAsNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsNaN(value)) writer.WriteNullValue();
        else writer.WriteNumberValue(value);
    }
}
