using PartialWave.Data;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// A sample bound to a CPU function: its input columns copied into padded native buffers (data columns, then the
/// columns the data kernel cached), and the weight column of the sums.
/// </summary>
internal sealed class SampleBinding(EventSample sample, int padded, NativeBuffer[] columns) : IDisposable
{
    public EventSample Sample { get; } = sample;
    public int Padded { get; } = padded;
    public NativeBuffer[] Columns { get; } = columns; // main kernel inputs: data columns, then cached columns
    public NativeBuffer? Weights { get; set; }
    public bool WeightsAreOnes { get; set; }
    /// <summary>Placements (NativeBuffer.Place) given to the columns so far: the next column's.</summary>
    public int Placements { get; set; }

    public void Dispose()
    {
        foreach (var c in Columns) c.Dispose();
        Weights?.Dispose();
    }
}
