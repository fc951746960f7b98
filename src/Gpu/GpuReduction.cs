using ILGPU;
using ILGPU.Runtime;

namespace PartialWave.Backends.Gpu;

/// <summary>
/// Sums of per-event terms in a fixed order: each thread adds the terms of one block of <see cref="BlockSize"/>
/// consecutive events of one column (compensated), and the host adds the blocks in event order. Blocks start at
/// multiples of the block size of the whole sample, so a sum has the same bits on any device, for any window or
/// launch size.
/// </summary>
internal static class GpuReduction
{
    /// <summary>Events per partial sum; windows and launches start at multiples of it.</summary>
    public const int BlockSize = 256;

    /// <summary>Thread t sums block t % blocks of column t / blocks (columns of <paramref name="count"/> events from offset 0 of <paramref name="work"/>).</summary>
    public static void PartialSums(Index1D t, ArrayView<double> work, ArrayView<double> partial, int count, int blocks)
    {
        int column = t / blocks, block = t % blocks;
        long start = (long)column * count + (long)block * BlockSize;
        int length = Math.Min(BlockSize, count - block * BlockSize);
        double sum = 0, c = 0;
        for (int k = 0; k < length; k++)
        {
            double v = work[start + k];
            double s = sum + v;
            c += Math.Abs(sum) >= Math.Abs(v) ? (sum - s) + v : (v - s) + sum;
            sum = s;
        }
        partial[t] = sum + c;
    }

    private static readonly Dictionary<Accelerator, Action<Index1D, ArrayView<double>, ArrayView<double>, int, int>> Loaded = [];

    /// <summary>The reduction kernel loaded for <paramref name="accelerator"/>.</summary>
    public static Action<Index1D, ArrayView<double>, ArrayView<double>, int, int> For(Accelerator accelerator)
    {
        lock (Loaded)
        {
            if (Loaded.TryGetValue(accelerator, out var k)) return k;
            try
            {
                k = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int>(PartialSums);
            }
            catch (Exception e) when (e is InternalCompilerException or NotSupportedException or AcceleratorException or ILGPU.Backends.InvalidCodeGenerationException)
            {
                throw new GpuUnavailableException($"the reduction kernel does not compile for {accelerator.Name} ({e.Message}); run with --backend cpu", e);
            }
            return Loaded[accelerator] = k;
        }
    }
}
