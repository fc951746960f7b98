using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PartialWave.Randomness;

/// <summary>
/// A reproducible source of random numbers defined by a 64-bit seed and a 32-bit stream id, built on
/// <see cref="Philox4x32"/>: every number is a pure function of (seed, stream, position), so a sample is
/// bit-identical for any thread count, chunk size or device.
/// </summary>
/// <remarks>
/// <para>The seed is the Philox key (low word first). Counters are laid out so that the two kinds of use never
/// share a block:</para>
/// <list type="bullet">
/// <item>per-event draws (<see cref="Event"/>, <see cref="EventBlock"/>): counter (block, event low word,
/// event high word, stream), for events 0 to 2^63 - 1 with up to 2^32 blocks (4 words each) per event;</item>
/// <item>flat sequences (<see cref="FillUniform"/>, <see cref="FillNormal"/>, <see cref="FillExponential"/>,
/// <see cref="FillUInt32"/>): counter (block low word, block high word, 2^31 + kind, stream), one kind per
/// method, so the four sequences are independent of each other.</item>
/// </list>
/// <para>Use a different stream id for each purpose (phase-space generation, acceptance, smearing) so that
/// their numbers are independent.</para>
/// </remarks>
public readonly struct RandomStream : IEquatable<RandomStream>
{
    private const uint FlatTag = 0x8000_0000;
    private const uint KindWords = 0, KindUniform = 1, KindNormal = 2, KindExponential = 3, KindUniform32 = 4;
    private const int Batch = 256;

    /// <summary>A stream of <paramref name="seed"/>.</summary>
    public RandomStream(ulong seed, uint stream = 0)
    {
        Seed = seed;
        Stream = stream;
    }

    /// <summary>The seed (the Philox key).</summary>
    public ulong Seed { get; }

    /// <summary>The stream id (word 3 of every counter).</summary>
    public uint Stream { get; }

    internal uint Key0 => (uint)Seed;
    internal uint Key1 => (uint)(Seed >> 32);

    /// <summary>The same seed with another stream id.</summary>
    public RandomStream WithStream(uint stream) => new(Seed, stream);

    /// <summary>Block <paramref name="block"/> of event <paramref name="eventIndex"/>: Philox of (block, event low, event high, stream).</summary>
    public PhiloxBlock EventBlock(long eventIndex, uint block)
    {
        CheckEvent(eventIndex);
        return Philox4x32.Compute(new PhiloxBlock(block, (uint)eventIndex, (uint)((ulong)eventIndex >> 32), Stream), Key0, Key1);
    }

    /// <summary>Sequential draws for event <paramref name="eventIndex"/>, starting at block <paramref name="firstBlock"/>.</summary>
    public EventRandom Event(long eventIndex, uint firstBlock = 0)
    {
        CheckEvent(eventIndex);
        return new EventRandom(Key0, Key1, (uint)eventIndex, (uint)((ulong)eventIndex >> 32), Stream, firstBlock);
    }

    /// <summary>
    /// Block <paramref name="block"/> of the events <paramref name="firstEvent"/>, <paramref name="firstEvent"/> + 1, ...
    /// (as many as <paramref name="word0"/> is long), word by word: vectorised bulk form of <see cref="EventBlock"/>.
    /// </summary>
    public void EventBlocks(long firstEvent, uint block, Span<uint> word0, Span<uint> word1, Span<uint> word2, Span<uint> word3)
    {
        CheckEvent(firstEvent);
        CheckEvent(firstEvent + Math.Max(0, word0.Length - 1));
        Philox4x32.ComputeMany(new PhiloxBlock(block, 0, 0, Stream), 1, (ulong)firstEvent, Key0, Key1, word0, word1, word2, word3);
    }

    /// <summary>
    /// Uniform doubles in [0, 1) at positions <paramref name="position"/>, <paramref name="position"/> + 1, ... of this
    /// stream's uniform sequence: position n is <see cref="RandomBits.Uniform"/> of words (2h, 2h + 1), h = n mod 2,
    /// of flat block n / 2.
    /// </summary>
    public void FillUniform(long position, Span<double> destination)
    {
        CheckPosition(position, destination.Length);
        // An odd start or length goes through the general path for its edges; whole blocks are converted in place
        // without a call per value (the bulk of a simulation's uniforms).
        if ((position & 1) != 0 || destination.Length < 2 * Batch)
        {
            Fill(position, destination, KindUniform, 2, static (b, h) => h == 0 ? RandomBits.Uniform(b.X0, b.X1) : RandomBits.Uniform(b.X2, b.X3));
            return;
        }
        Span<uint> words = stackalloc uint[4 * Batch];
        var w0 = words[..Batch]; var w1 = words.Slice(Batch, Batch);
        var w2 = words.Slice(2 * Batch, Batch); var w3 = words.Slice(3 * Batch, Batch);
        var template = new PhiloxBlock(0, 0, FlatTag | KindUniform, Stream);
        int done = 0, whole = destination.Length & ~1;
        while (done < whole)
        {
            int blocks = Math.Min(Batch, (whole - done) / 2);
            Philox4x32.ComputeMany(template, 0, (ulong)((position + done) / 2), Key0, Key1, w0[..blocks], w1[..blocks], w2[..blocks], w3[..blocks]);
            var d = destination.Slice(done, 2 * blocks);
            int b = UniformPairs(w0[..blocks], w1[..blocks], w2[..blocks], w3[..blocks], d);
            for (; b < blocks; b++)
            {
                d[2 * b] = RandomBits.Uniform(w0[b], w1[b]);
                d[2 * b + 1] = RandomBits.Uniform(w2[b], w3[b]);
            }
            done += 2 * blocks;
        }
        if (whole < destination.Length) destination[whole] = Uniform(position + whole);
    }

    /// <summary>
    /// Standard normal values at positions <paramref name="position"/>, ... of this stream's normal sequence:
    /// flat block n / 2 gives the Box–Muller pair <see cref="RandomBits.Normals"/>, the first for even n, the second for odd.
    /// </summary>
    public void FillNormal(long position, Span<double> destination)
    {
        CheckPosition(position, destination.Length);
        Fill(position, destination, KindNormal, 2, static (b, h) =>
        {
            var (first, second) = RandomBits.Normals(b);
            return h == 0 ? first : second;
        });
    }

    /// <summary>Standard exponential values at positions <paramref name="position"/>, ...: position n is <see cref="RandomBits.Exponential"/> of words (2h, 2h + 1) of flat block n / 2.</summary>
    public void FillExponential(long position, Span<double> destination)
    {
        CheckPosition(position, destination.Length);
        Fill(position, destination, KindExponential, 2, static (b, h) => h == 0 ? RandomBits.Exponential(b.X0, b.X1) : RandomBits.Exponential(b.X2, b.X3));
    }

    /// <summary>
    /// Uniform doubles in [0, 1) with 32 random bits (word · 2^-32), four per Philox block: half the cost of
    /// <see cref="FillUniform"/>, for acceptance tests and other uses where a resolution of 2^-32 is plenty.
    /// Position n is word n mod 4 of flat block n / 4 of this stream's own 32-bit sequence.
    /// </summary>
    public void FillUniform32(long position, Span<double> destination)
    {
        CheckPosition(position, destination.Length);
        const double scale = 1.0 / 4294967296.0;
        if ((position & 3) != 0 || destination.Length < 4 * Batch)
        {
            Fill(position, destination, KindUniform32, 4, static (b, h) => b[h] * scale);
            return;
        }
        Span<uint> words = stackalloc uint[4 * Batch];
        var w0 = words[..Batch]; var w1 = words.Slice(Batch, Batch);
        var w2 = words.Slice(2 * Batch, Batch); var w3 = words.Slice(3 * Batch, Batch);
        var template = new PhiloxBlock(0, 0, FlatTag | KindUniform32, Stream);
        int done = 0, whole = destination.Length & ~3;
        var magic = Vector256.Create(0x4330_0000_0000_0000UL);
        var twoTo52 = Vector256.Create(4503599627370496.0);
        var vscale = Vector256.Create(scale);
        while (done < whole)
        {
            int blocks = Math.Min(Batch, (whole - done) / 4);
            Philox4x32.ComputeMany(template, 0, (ulong)((position + done) / 4), Key0, Key1, w0[..blocks], w1[..blocks], w2[..blocks], w3[..blocks]);
            var d = destination.Slice(done, 4 * blocks);
            int b = Uniform32Blocks(w0[..blocks], w1[..blocks], w2[..blocks], w3[..blocks], d);
            for (; b < blocks; b++)
            {
                // Block b's words 0..3 are positions 4b .. 4b + 3: converted exactly (uint → double) four at a time.
                var v = Vector256.Create((ulong)w0[b], w1[b], w2[b], w3[b]);
                (((v | magic).AsDouble() - twoTo52) * vscale).CopyTo(d.Slice(4 * b, 4));
            }
            done += 4 * blocks;
        }
        if (whole < destination.Length) Fill(position + whole, destination[whole..], KindUniform32, 4, static (b, h) => b[h] * scale);
    }

    /// <summary>Raw 32-bit words at positions <paramref name="position"/>, ...: position n is word n mod 4 of flat block n / 4.</summary>
    public void FillUInt32(long position, Span<uint> destination)
    {
        CheckPosition(position, destination.Length);
        Fill(position, destination, KindWords, 4, static (b, h) => b[h]);
    }

    /// <summary>The uniform at one position of the sequence <see cref="FillUniform"/> writes.</summary>
    public double Uniform(long position)
    {
        Span<double> one = stackalloc double[1];
        FillUniform(position, one);
        return one[0];
    }

    private void Fill<T>(long position, Span<T> destination, uint kind, int perBlock, Func<PhiloxBlock, int, T> take)
    {
        Span<uint> words = stackalloc uint[4 * Batch];
        var w0 = words[..Batch]; var w1 = words.Slice(Batch, Batch);
        var w2 = words.Slice(2 * Batch, Batch); var w3 = words.Slice(3 * Batch, Batch);
        var template = new PhiloxBlock(0, 0, FlatTag | kind, Stream);
        int done = 0;
        while (done < destination.Length)
        {
            long n = position + done;
            long firstBlock = n / perBlock;
            int skip = (int)(n % perBlock);
            int blocks = Math.Min(Batch, (skip + destination.Length - done + perBlock - 1) / perBlock);
            Philox4x32.ComputeMany(template, 0, (ulong)firstBlock, Key0, Key1, w0[..blocks], w1[..blocks], w2[..blocks], w3[..blocks]);
            for (int b = 0; b < blocks && done < destination.Length; b++)
            {
                var block = new PhiloxBlock(w0[b], w1[b], w2[b], w3[b]);
                for (int h = b == 0 ? skip : 0; h < perBlock && done < destination.Length; h++)
                    destination[done++] = take(block, h);
            }
        }
    }

    /// <summary>
    /// <see cref="RandomBits.Uniform"/> of words (0, 1) and (2, 3) of each block, eight blocks at a time, interleaved
    /// into <paramref name="d"/>: (high · 2^21 + (low &gt;&gt; 11)) · 2^-53, each part converted exactly by the 2^52
    /// exponent trick, so the doubles are bit for bit the scalar ones. Returns the blocks done.
    /// </summary>
    // Four blocks at a time: each word column converted exactly (zero-extended, 2^52 trick), then a 4×4 transpose
    // puts block b's words 0..3 at positions 4b .. 4b + 3. Twice as fast as building each block's vector from scalars.
    private static int Uniform32Blocks(ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3, Span<double> d)
    {
        if (!Avx2.IsSupported) return 0;
        var magic = Vector256.Create(0x4330_0000_0000_0000UL).AsInt64();
        var twoTo52 = Vector256.Create(4503599627370496.0);
        var scale = Vector256.Create(1.0 / 4294967296.0);
        Vector256<double> Column(ReadOnlySpan<uint> w, int b) =>
            ((Avx2.ConvertToVector256Int64(Vector128.Create(w.Slice(b, 4))) | magic).AsDouble() - twoTo52) * scale;
        int b = 0;
        for (; b + 4 <= w0.Length; b += 4)
        {
            var v0 = Column(w0, b); var v1 = Column(w1, b); var v2 = Column(w2, b); var v3 = Column(w3, b);
            var t0 = Avx.UnpackLow(v0, v1);    // v0[0] v1[0] v0[2] v1[2]
            var t1 = Avx.UnpackHigh(v0, v1);   // v0[1] v1[1] v0[3] v1[3]
            var t2 = Avx.UnpackLow(v2, v3);
            var t3 = Avx.UnpackHigh(v2, v3);
            var out0 = d.Slice(4 * b, 16);
            Avx.Permute2x128(t0, t2, 0x20).CopyTo(out0);
            Avx.Permute2x128(t1, t3, 0x20).CopyTo(out0[4..]);
            Avx.Permute2x128(t0, t2, 0x31).CopyTo(out0[8..]);
            Avx.Permute2x128(t1, t3, 0x31).CopyTo(out0[12..]);
        }
        return b;
    }

    private static int UniformPairs(ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3, Span<double> d)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return 0;
        var magic = Vector256.Create(0x4330_0000_0000_0000UL);
        var twoTo52 = Vector256.Create(4503599627370496.0);
        var twoTo21 = Vector256.Create(2097152.0);
        var scale = Vector256.Create(1.0 / (1UL << 53));
        Vector256<double> Exact(Vector256<ulong> v) => (v | magic).AsDouble() - twoTo52;
        Vector256<double> Uniform(Vector256<ulong> low, Vector256<ulong> high) =>
            (Exact(high) * twoTo21 + Exact(Vector256.ShiftRightLogical(low, 11))) * scale;
        int b = 0;
        for (; b + 8 <= w0.Length; b += 8)
        {
            var a0 = Vector256.Create(w0.Slice(b, 8));
            var a1 = Vector256.Create(w1.Slice(b, 8));
            var a2 = Vector256.Create(w2.Slice(b, 8));
            var a3 = Vector256.Create(w3.Slice(b, 8));
            for (int half = 0; half < 2; half++)
            {
                var low0 = half == 0 ? Vector256.WidenLower(a0) : Vector256.WidenUpper(a0);
                var high0 = half == 0 ? Vector256.WidenLower(a1) : Vector256.WidenUpper(a1);
                var low1 = half == 0 ? Vector256.WidenLower(a2) : Vector256.WidenUpper(a2);
                var high1 = half == 0 ? Vector256.WidenLower(a3) : Vector256.WidenUpper(a3);
                var even = Uniform(low0, high0);   // blocks b+4h .. b+4h+3, first value
                var odd = Uniform(low1, high1);    // second value
                var lo = Avx.UnpackLow(even, odd);    // e0 o0 e2 o2
                var hi = Avx.UnpackHigh(even, odd);   // e1 o1 e3 o3
                int at = 2 * (b + 4 * half);
                Avx.Permute2x128(lo, hi, 0x20).CopyTo(d.Slice(at, 4));
                Avx.Permute2x128(lo, hi, 0x31).CopyTo(d.Slice(at + 4, 4));
            }
        }
        return b;
    }

    private static void CheckEvent(long eventIndex)
    {
        if (eventIndex < 0) throw new ArgumentOutOfRangeException(nameof(eventIndex), eventIndex, "event indices start at 0");
    }

    private static void CheckPosition(long position, int length)
    {
        if (position < 0 || position > long.MaxValue - length)
            throw new ArgumentOutOfRangeException(nameof(position), position, "positions run from 0 to 2^63 - 1");
    }

    /// <inheritdoc/>
    public bool Equals(RandomStream other) => Seed == other.Seed && Stream == other.Stream;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RandomStream other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Seed, Stream);

    /// <summary>Equal seed and stream.</summary>
    public static bool operator ==(RandomStream left, RandomStream right) => left.Equals(right);

    /// <summary>Different seed or stream.</summary>
    public static bool operator !=(RandomStream left, RandomStream right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"RandomStream(seed {Seed}, stream {Stream})";
}
