using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PartialWave.Backends.Cpu;

/// <summary>
/// Writes of results that will not be read back soon (a million-event value array is far larger than the caches)
/// with non-temporal stores: they go to memory without first reading each line into the cache, which an ordinary
/// store does, so writing an array costs its size in memory traffic instead of twice its size. The thread that
/// streamed must call <see cref="Fence"/> before another thread reads what it wrote.
/// </summary>
internal static unsafe class StreamingStore
{
    /// <summary>
    /// Outputs of at least this many events (4 MB a column) are streamed. Below that a caller's next pass often finds
    /// them in the cache: a simulation reads each batch of 2^18 values right back.
    /// </summary>
    public const int MinimumEvents = 1 << 19;

    /// <summary>Copies <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: tier-0 code of it tripled a first Evaluate
    public static void Copy(double* source, double* target, int count)
    {
        int i = Head(target, count);
        for (int k = 0; k < i; k++) target[k] = source[k];
        if (Avx.IsSupported)
            for (; i + 4 <= count; i += 4) Avx.StoreAlignedNonTemporal(target + i, Avx.LoadVector256(source + i));
        for (; i < count; i++) target[i] = source[i];
    }

    /// <summary>Writes <paramref name="count"/> zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Zero(double* target, int count)
    {
        int i = Head(target, count);
        for (int k = 0; k < i; k++) target[k] = 0;
        if (Avx.IsSupported)
            for (; i + 4 <= count; i += 4) Avx.StoreAlignedNonTemporal(target + i, Vector256<double>.Zero);
        for (; i < count; i++) target[i] = 0;
    }

    // Values before the first 32-byte boundary (a .NET array's elements are only 8-byte aligned).
    private static int Head(double* target, int count) =>
        Avx.IsSupported ? Math.Min(count, (int)((32 - ((nint)target & 31)) & 31) / sizeof(double)) : count;

    /// <summary>Orders this thread's streamed stores before its later stores (and so before any hand-over).</summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
    }
}
