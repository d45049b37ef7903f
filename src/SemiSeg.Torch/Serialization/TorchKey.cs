namespace SemiSeg.Torch.Serialization;

/// <summary>
/// A dictionary key in a PyTorch file: a string ("model_state", "layer1.0.conv1.weight") or an
/// integer (the parameter indices of an optimizer's "state").
/// </summary>
public readonly struct TorchKey : IEquatable<TorchKey>
{
    private readonly string? text;
    private readonly long number;

    public TorchKey(string text) => this.text = text ?? throw new ArgumentNullException(nameof(text));
    public TorchKey(long number) => this.number = number;

    public bool IsString => text is not null;
    public bool IsInt => text is null;

    public string AsString() => text ?? throw new InvalidOperationException($"key {number} is an int, not a string");
    public long AsInt() => text is null ? number : throw new InvalidOperationException($"key '{text}' is a string, not an int");

    public static implicit operator TorchKey(string text) => new(text);
    public static implicit operator TorchKey(long number) => new(number);
    public static implicit operator TorchKey(int number) => new(number);

    public bool Equals(TorchKey other) => text is null ? other.text is null && number == other.number : text == other.text;
    public override bool Equals(object? obj) => obj is TorchKey other && Equals(other);
    public override int GetHashCode() => text?.GetHashCode() ?? number.GetHashCode();
    public static bool operator ==(TorchKey a, TorchKey b) => a.Equals(b);
    public static bool operator !=(TorchKey a, TorchKey b) => !a.Equals(b);

    /// <summary>Strings quoted, integers bare: for messages.</summary>
    public override string ToString() => text is null ? number.ToString() : $"'{text}'";
}
