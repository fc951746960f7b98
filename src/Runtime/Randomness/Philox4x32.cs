using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

// Randomness, not Random: a namespace PartialWave.Random would hide
// System.Random from every PartialWave.* namespace.
namespace PartialWave.Randomness;

/// <summary>A 128-bit Philox counter or output block: four 32-bit words.</summary>
/// <param name="X0">Word 0.</param>
/// <param name="X1">Word 1.</param>
/// <param name="X2">Word 2.</param>
/// <param name="X3">Word 3.</param>
public readonly record struct PhiloxBlock(uint X0, uint X1, uint X2, uint X3)
{
    /// <summary>Word <paramref name="index"/> (0 to 3).</summary>
    public uint this[int index] => index switch
    {
        0 => X0,
        1 => X1,
        2 => X2,
        3 => X3,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "a Philox block has words 0 to 3"),
    };
}

/// <summary>
/// The counter-based generator Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11): a keyed bijection of 128-bit counters, so the output for a counter needs no state and no
/// predecessor. Bit-identical to Random123's <c>philox4x32_R(10, ctr, key)</c>, checked against its known-answer
/// vectors.
/// </summary>
public static class Philox4x32
{
    /// <summary>Number of rounds (the "10" of Philox-4x32-10).</summary>
    public const int Rounds = 10;

    internal const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    internal const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The output block for <paramref name="counter"/> under the key (<paramref name="key0"/>, <paramref name="key1"/>).</summary>
    public static PhiloxBlock Compute(PhiloxBlock counter, uint key0, uint key1)
    {
        uint x0 = counter.X0, x1 = counter.X1, x2 = counter.X2, x3 = counter.X3;
        Compute(ref x0, ref x1, ref x2, ref x3, key0, key1);
        return new PhiloxBlock(x0, x1, x2, x3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Compute(ref uint x0, ref uint x1, ref uint x2, ref uint x3, uint k0, uint k1)
    {
        for (int r = 0; r < Rounds; r++)
        {
            // The key is bumped between rounds, not before the first.
            if (r > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * x0;
            ulong p1 = (ulong)M1 * x2;
            uint y0 = (uint)(p1 >> 32) ^ x1 ^ k0;
            uint y2 = (uint)(p0 >> 32) ^ x3 ^ k1;
            x0 = y0; x1 = (uint)p1; x2 = y2; x3 = (uint)p0;
        }
    }

    /// <summary>
    /// Output blocks for consecutive counters (as many as <paramref name="y0"/> is long), word by word (structure of arrays):
    /// counter <c>t</c> is <paramref name="template"/> with the 64-bit value <c>start + t</c> in words
    /// <paramref name="indexWord"/> (low half) and <paramref name="indexWord"/> + 1 (high half). Vectorised
    /// (16 or 8 counters at a time) where the hardware allows; the words are the same on every path.
    /// </summary>
    internal static void ComputeMany(PhiloxBlock template, int indexWord, ulong start, uint k0, uint k1,
        Span<uint> y0, Span<uint> y1, Span<uint> y2, Span<uint> y3)
    {
        if (indexWord is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(indexWord));
        int count = y0.Length;
        if (y1.Length != count || y2.Length != count || y3.Length != count)
            throw new ArgumentException("the four word spans must have one length");
        int done = 0;
        while (done < count)
        {
            // Split where the low word wraps, so the high word is one value per piece.
            ulong first = start + (ulong)done;
            uint lo = (uint)first;
            int piece = (int)Math.Min((ulong)(count - done), (1UL << 32) - lo);
            var t = SetIndex(template, indexWord, first);
            Piece(t, indexWord, lo, piece, k0, k1, y0.Slice(done, piece), y1.Slice(done, piece), y2.Slice(done, piece), y3.Slice(done, piece));
            done += piece;
        }
    }

    private static PhiloxBlock SetIndex(PhiloxBlock t, int word, ulong value) => word switch
    {
        0 => t with { X0 = (uint)value, X1 = (uint)(value >> 32) },
        1 => t with { X1 = (uint)value, X2 = (uint)(value >> 32) },
        _ => t with { X2 = (uint)value, X3 = (uint)(value >> 32) },
    };

    // Within a piece the low index word runs lo, lo + 1, ... without wrapping.
    private static void Piece(PhiloxBlock t, int word, uint lo, int count, uint k0, uint k1,
        Span<uint> y0, Span<uint> y1, Span<uint> y2, Span<uint> y3)
    {
        int i = 0;
        if (Avx512F.IsSupported)
        {
            var iota = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            for (; i + 16 <= count; i += 16)
            {
                var c0 = Vector512.Create(t.X0); var c1 = Vector512.Create(t.X1);
                var c2 = Vector512.Create(t.X2); var c3 = Vector512.Create(t.X3);
                var idx = Vector512.Create(lo + (uint)i) + iota;
                if (word == 0) c0 = idx; else if (word == 1) c1 = idx; else c2 = idx;
                Compute512(ref c0, ref c1, ref c2, ref c3, k0, k1);
                c0.StoreUnsafe(ref y0[i]); c1.StoreUnsafe(ref y1[i]); c2.StoreUnsafe(ref y2[i]); c3.StoreUnsafe(ref y3[i]);
            }
        }
        if (Avx2.IsSupported)
        {
            var iota = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            for (; i + 8 <= count; i += 8)
            {
                var c0 = Vector256.Create(t.X0); var c1 = Vector256.Create(t.X1);
                var c2 = Vector256.Create(t.X2); var c3 = Vector256.Create(t.X3);
                var idx = Vector256.Create(lo + (uint)i) + iota;
                if (word == 0) c0 = idx; else if (word == 1) c1 = idx; else c2 = idx;
                Compute256(ref c0, ref c1, ref c2, ref c3, k0, k1);
                c0.StoreUnsafe(ref y0[i]); c1.StoreUnsafe(ref y1[i]); c2.StoreUnsafe(ref y2[i]); c3.StoreUnsafe(ref y3[i]);
            }
        }
        for (; i < count; i++)
        {
            uint x0 = t.X0, x1 = t.X1, x2 = t.X2, x3 = t.X3;
            uint idx = lo + (uint)i;
            if (word == 0) x0 = idx; else if (word == 1) x1 = idx; else x2 = idx;
            Compute(ref x0, ref x1, ref x2, ref x3, k0, k1);
            y0[i] = x0; y1[i] = x1; y2[i] = x2; y3[i] = x3;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compute256(ref Vector256<uint> x0, ref Vector256<uint> x1, ref Vector256<uint> x2, ref Vector256<uint> x3, uint k0, uint k1)
    {
        var m0 = Vector256.Create(M0);
        var m1 = Vector256.Create(M1);
        for (int r = 0; r < Rounds; r++)
        {
            if (r > 0) { k0 += W0; k1 += W1; }
            var (lo0, hi0) = MulHiLo(x0, m0);
            var (lo1, hi1) = MulHiLo(x2, m1);
            var y0 = hi1 ^ x1 ^ Vector256.Create(k0);
            var y2 = hi0 ^ x3 ^ Vector256.Create(k1);
            x0 = y0; x1 = lo1; x2 = y2; x3 = lo0;
        }
    }

    // vpmuludq multiplies the even 32-bit lanes into 64-bit products; a second one on the odd lanes (shifted
    // down) and two blends give all eight low and high halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<uint> Lo, Vector256<uint> Hi) MulHiLo(Vector256<uint> x, Vector256<uint> m)
    {
        var even = Avx2.Multiply(x, m).AsUInt32();
        var odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), m).AsUInt32();
        var lo = Avx2.Blend(even, Avx2.ShiftLeftLogical(odd.AsUInt64(), 32).AsUInt32(), 0b1010_1010);
        var hi = Avx2.Blend(Avx2.ShiftRightLogical(even.AsUInt64(), 32).AsUInt32(), odd, 0b1010_1010);
        return (lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compute512(ref Vector512<uint> x0, ref Vector512<uint> x1, ref Vector512<uint> x2, ref Vector512<uint> x3, uint k0, uint k1)
    {
        var m0 = Vector512.Create(M0);
        var m1 = Vector512.Create(M1);
        for (int r = 0; r < Rounds; r++)
        {
            if (r > 0) { k0 += W0; k1 += W1; }
            var (lo0, hi0) = MulHiLo(x0, m0);
            var (lo1, hi1) = MulHiLo(x2, m1);
            var y0 = hi1 ^ x1 ^ Vector512.Create(k0);
            var y2 = hi0 ^ x3 ^ Vector512.Create(k1);
            x0 = y0; x1 = lo1; x2 = y2; x3 = lo0;
        }
    }

    private static readonly Vector512<uint> OddLanes = Vector512.Create(0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u, 0u, ~0u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<uint> Lo, Vector512<uint> Hi) MulHiLo(Vector512<uint> x, Vector512<uint> m)
    {
        var even = Avx512F.Multiply(x, m).AsUInt32();
        var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), m).AsUInt32();
        var lo = Vector512.ConditionalSelect(OddLanes, Vector512.ShiftLeft(odd.AsUInt64(), 32).AsUInt32(), even);
        var hi = Vector512.ConditionalSelect(OddLanes, odd, Vector512.ShiftRightLogical(even.AsUInt64(), 32).AsUInt32());
        return (lo, hi);
    }
}
