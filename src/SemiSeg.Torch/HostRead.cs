namespace SemiSeg.Torch;

/// <summary>One copy into host memory: where it was asked for, from which device, and how.</summary>
/// <param name="CallSite">the caller, "File.Member" (for example "StepLosses.ReadTerms")</param>
/// <param name="Source">the device the data came from</param>
/// <param name="Entry">the binding's entry point: Item, ItemInt, CopyTo (ToArray too) or To(cpu)</param>
public readonly record struct HostRead(string CallSite, Device Source, string Entry)
{
    /// <summary>True when the data crossed from a device to the host (a wait for the device's queue).</summary>
    public bool FromDevice => Source.Type != DeviceType.CPU;

    public override string ToString() => $"{CallSite} ({Entry} from {Source})";
}
