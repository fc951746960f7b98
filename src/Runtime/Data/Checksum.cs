using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PartialWave.Data;

/// <summary>
/// A fast 64-bit checksum of cache entries (Fletcher's scheme on 64-bit words, four lanes wide): a running sum
/// catches any changed word, a sum of running sums catches words moved or swapped. It guards against truncated
/// and damaged files, not against tampering, and runs at memory speed, so a cached reload stays a fraction of a
/// parse. SHA-256 over 24 MB would cost more than loading it.
/// </summary>
internal struct Checksum
{
    private Vector256<ulong> _sum, _sumOfSums;
    private ulong _bytes;

    /// <summary>Adds bytes; the checksum depends on how the input is cut into calls, so writer and reader cut it alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code on a first (often only) call
    public void Add(ReadOnlySpan<byte> data)
    {
        _bytes += (ulong)data.Length;
        var sum = _sum;
        var sumOfSums = _sumOfSums;
        int whole = data.Length / 32 * 32;
        foreach (var v in MemoryMarshal.Cast<byte, Vector256<ulong>>(data[..whole]))
        {
            sum += v;
            sumOfSums += sum;
        }
        if (whole < data.Length)
        {
            Span<byte> tail = stackalloc byte[32];
            tail.Clear();
            data[whole..].CopyTo(tail);
            sum += MemoryMarshal.Read<Vector256<ulong>>(tail);
            sumOfSums += sum;
        }
        _sum = sum;
        _sumOfSums = sumOfSums;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> and adds it, in one pass (a cached
    /// sample is read once from the mapped entry instead of copied, then read again to be checked).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code on a first (often only) call
    public void AddCopy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("the destination is shorter than the source", nameof(destination));
        _bytes += (ulong)source.Length;
        var sum = _sum;
        var sumOfSums = _sumOfSums;
        int whole = source.Length / 32 * 32;
        var from = MemoryMarshal.Cast<byte, Vector256<ulong>>(source[..whole]);
        var to = MemoryMarshal.Cast<byte, Vector256<ulong>>(destination[..whole]);
        for (int i = 0; i < from.Length; i++)
        {
            var v = from[i];
            to[i] = v;
            sum += v;
            sumOfSums += sum;
        }
        if (whole < source.Length)
        {
            source[whole..].CopyTo(destination[whole..]);
            Span<byte> tail = stackalloc byte[32];
            tail.Clear();
            source[whole..].CopyTo(tail);
            sum += MemoryMarshal.Read<Vector256<ulong>>(tail);
            sumOfSums += sum;
        }
        _sum = sum;
        _sumOfSums = sumOfSums;
    }

    /// <summary>Adds the checksum of a part checked on its own (the parts of a whole are added in a fixed order).</summary>
    public void AddValue(ulong value) => Add(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in value)));

    /// <summary>The checksum of everything added.</summary>
    public readonly ulong Value
    {
        get
        {
            const ulong p1 = 0x9E3779B97F4A7C15, p2 = 0xC2B2AE3D27D4EB4F;
            ulong h = _bytes * p1;
            for (int i = 0; i < Vector256<ulong>.Count; i++)
            {
                h = (h ^ _sum[i]) * p1;
                h = (h ^ _sumOfSums[i]) * p2;
                h ^= h >> 29;
            }
            return h;
        }
    }
}
