using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PartialWave.Data;
using PartialWave.Randomness;

namespace PartialWave.Kinematics;

/// <summary>
/// Flat (unweighted) three-body phase space M → 0 1 2 in the parent's rest frame, generated directly in the Dalitz
/// plot and vectorised: the fast path for three-body decays. Event i is a pure function of (seed, stream, i), so a
/// sample is the same for any thread count and any split into calls; the arithmetic is IEEE-754 +, -, ×, ÷ and √
/// only (no library sine, no fused multiply-add), so it is the same on any platform too.
/// </summary>
/// <remarks>
/// <para>Method: of the three pairs, the one with the best acceptance is "(i, j)", k the third particle. s_ij is
/// drawn with density proportional to <see cref="DalitzPlot.Width"/>(s_ij), by acceptance under a 128-bin envelope
/// (about 99 % of attempts succeed); s_jk is then uniform over its range at that s_ij, so (s_ij, s_jk) is
/// uniform inside the Dalitz boundary. The
/// momenta are built with k along z and i in the xz plane, then turned by a uniformly random rotation
/// R_z(α) R_y(β) R_z(γ) (cos β uniform): an isotropic orientation.</para>
/// <para>Random numbers of event e (<see cref="RandomStream.EventBlock"/>, <see cref="RandomBits.Uniform"/> of word
/// pairs 0–1 and 2–3): block 0 gives the position of s_jk in its range and α / 2π; block 1 gives (cos β + 1) / 2
/// and γ / 2π; block 2 + t gives attempt t's two uniforms (bin and position of s_ij, acceptance).</para>
/// </remarks>
public sealed class ThreeBodyPhaseSpace
{
    private const int Batch = 256;
    private const int ChunkSize = 1 << 14;
    private const int Lanes = 4;

    private readonly int _i, _j, _k;
    private readonly double _M, _M2, _inv2M, _mi2, _mj2, _mk2;
    private readonly double _a1, _b1, _a2, _b2;
    private readonly WidthSampler _sampler;

    /// <summary>Phase space of a parent of mass <paramref name="parentMass"/> decaying to <paramref name="mass0"/>, <paramref name="mass1"/>, <paramref name="mass2"/> (GeV).</summary>
    public ThreeBodyPhaseSpace(double parentMass, double mass0, double mass1, double mass2)
    {
        Dalitz = new DalitzPlot(parentMass, mass0, mass1, mass2);
        var m = Dalitz.Masses;
        WidthSampler? best = null;
        foreach (var (i, j) in new[] { (0, 1), (0, 2), (1, 2) })
        {
            var sampler = new WidthSampler(Dalitz, i, j);
            if (best is null || sampler.Efficiency > best.Efficiency + 1e-12) { best = sampler; (_i, _j) = (i, j); }
        }
        _sampler = best!;
        _k = 3 - _i - _j;
        _M = parentMass; _M2 = parentMass * parentMass; _inv2M = 0.5 / parentMass;
        double mi = m[_i], mj = m[_j], mk = m[_k];
        _mi2 = mi * mi; _mj2 = mj * mj; _mk2 = mk * mk;
        _a1 = (mi + mj) * (mi + mj); _b1 = (mi - mj) * (mi - mj);
        _a2 = (parentMass + mk) * (parentMass + mk); _b2 = (parentMass - mk) * (parentMass - mk);
    }

    /// <summary>The Dalitz plot of the decay (boundary, area, phase-space volume).</summary>
    public DalitzPlot Dalitz { get; }

    /// <summary>The pair whose invariant is drawn with acceptance (the one that accepts most).</summary>
    public (int I, int J) SampledPair => (_i, _j);

    /// <summary>Expected fraction of accepted draws of s_ij (1 / mean attempts per event).</summary>
    public double Efficiency => _sampler.Efficiency;

    /// <summary>
    /// Events <paramref name="firstEvent"/> to <paramref name="firstEvent"/> + <paramref name="count"/> - 1 in new columns
    /// (see <see cref="FourMomentumColumns"/> for their names).
    /// </summary>
    public FourMomentumColumns Generate(RandomStream random, int count, long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var columns = new FourMomentumColumns(3, count, zeroed: false);
        Generate(random, firstEvent, columns, 0, count, maxDegreeOfParallelism);
        return columns;
    }

    /// <summary>
    /// Writes events <paramref name="firstEvent"/>, ..., <paramref name="firstEvent"/> + <paramref name="count"/> - 1 to
    /// <paramref name="destination"/> at rows <paramref name="offset"/>, ..., on up to
    /// <paramref name="maxDegreeOfParallelism"/> threads (-1: all cores).
    /// </summary>
    public void Generate(RandomStream random, long firstEvent, FourMomentumColumns destination, int offset, int count, int maxDegreeOfParallelism = -1) =>
        Generate(random, firstEvent, destination, null, offset, count, maxDegreeOfParallelism);

    /// <summary>
    /// Events <paramref name="firstEvent"/>, ... as an event sample with the columns of
    /// <see cref="FourMomentumColumns.ToEventSample"/>: the four-momenta, then m2_01, m2_02, m2_12. The pair masses
    /// squared are the generated invariants themselves (the third from the sum rule), not recomputed from the
    /// momenta: the same to rounding, without another pass over memory.
    /// </summary>
    public EventSample GenerateSample(RandomStream random, int count, long firstEvent = 0, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var momenta = new FourMomentumColumns(3, count, zeroed: false);
        var pairs = new double[3][];
        for (int k = 0; k < 3; k++) pairs[k] = GC.AllocateUninitializedArray<double>(count);
        Generate(random, firstEvent, momenta, pairs, 0, count, maxDegreeOfParallelism);
        var columns = new List<KeyValuePair<string, double[]>>();
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 4; c++) columns.Add(new(FourMomentumColumns.ColumnName(i, c), momenta.Column(i, c)));
        columns.Add(new(FourMomentumColumns.PairMassSquaredName(0, 1), pairs[0]));
        columns.Add(new(FourMomentumColumns.PairMassSquaredName(0, 2), pairs[1]));
        columns.Add(new(FourMomentumColumns.PairMassSquaredName(1, 2), pairs[2]));
        return new EventSample(columns);
    }

    // pairs: null, or s_01, s_02, s_12 columns of the destination's length.
    private void Generate(RandomStream random, long firstEvent, FourMomentumColumns destination, double[][]? pairs, int offset, int count, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.ParticleCount != 3) throw new ArgumentException($"three-body events need three particles' columns, not {destination.ParticleCount}", nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(firstEvent);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offset + (long)count > destination.EventCount)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"rows {offset} to {offset + (long)count - 1} do not fit {destination.EventCount} rows");
        var columns = new double[pairs is null ? 12 : 15][];
        for (int p = 0; p < 3; p++)
            for (int c = 0; c < 4; c++) columns[4 * p + c] = destination.Column(p, c);
        if (pairs is not null) pairs.CopyTo(columns, 12);
        int chunks = (count + ChunkSize - 1) / ChunkSize;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * ChunkSize, end = Math.Min(count, start + ChunkSize);
            for (int b = start; b < end; b += Batch)
                GenerateBatch(random, firstEvent + b, Math.Min(Batch, end - b), columns, offset + b);
        });
    }

    [SkipLocalsInit]
    private void GenerateBatch(RandomStream random, long firstEvent, int n, double[][] columns, int row)
    {
        int padded = (n + Lanes - 1) & ~(Lanes - 1);
        Span<uint> words = stackalloc uint[12 * Batch];
        for (int block = 0; block < 3; block++)
        {
            int w = 4 * block * Batch;
            random.EventBlocks(firstEvent, (uint)block, words.Slice(w, padded), words.Slice(w + Batch, padded),
                words.Slice(w + 2 * Batch, padded), words.Slice(w + 3 * Batch, padded));
        }
        Span<double> s = stackalloc double[Batch];
        AcceptFirstAttempts(words, s, padded, out var retry, out int retries);
        for (int r = 0; r < retries; r++)
        {
            int e = retry[r];
            if (e < n) s[e] = Retry(random, firstEvent + e);
        }
        Build(words, s, n, padded, columns, row);
    }

    // Pass 1: attempt 0 of every event, vectorised. Rejected events are listed for the scalar retries.
    private void AcceptFirstAttempts(ReadOnlySpan<uint> words, Span<double> s, int padded, out int[] retry, out int retries)
    {
        retry = RetryBuffer ??= new int[Batch];
        retries = 0;
        for (int t = 0; t < padded; t += Lanes)
        {
            var sv = _sampler.Attempt(Uniform(words, 8 * Batch + t), Uniform(words, 10 * Batch + t), out var accepted);
            sv.CopyTo(s.Slice(t, Lanes));
            uint mask = accepted.ExtractMostSignificantBits();
            if (mask == (1u << Lanes) - 1) continue;
            for (int lane = 0; lane < Lanes; lane++)
                if ((mask & (1u << lane)) == 0) retry[retries++] = t + lane;
        }
    }

    [ThreadStatic] private static int[]? RetryBuffer;

    // Later attempts of one event, scalar, with the same arithmetic as the vector pass.
    private double Retry(RandomStream random, long eventIndex)
    {
        for (uint block = 3; ; block++)
        {
            var b = random.EventBlock(eventIndex, block);
            if (_sampler.Attempt(RandomBits.Uniform(b.X0, b.X1), RandomBits.Uniform(b.X2, b.X3), out double s)) return s;
            if (block == uint.MaxValue) throw new InvalidOperationException("no accepted s_ij in 2^32 attempts");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Uniform(ReadOnlySpan<uint> words, int at)
    {
        // Words "at" (low) and "at + Batch" (high) of the same block, as RandomBits.Uniform combines them.
        var lo = Widen(Vector128.LoadUnsafe(ref Unsafe.AsRef(in words[at])));
        var hi = Widen(Vector128.LoadUnsafe(ref Unsafe.AsRef(in words[at + Batch])));
        var bits = ((hi << 32) | lo) >> 11;
        return Vector256.ConvertToDouble(bits) * Vector256.Create(1.0 / (1UL << 53));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Widen(Vector128<uint> v) =>
        Avx2.IsSupported ? Avx2.ConvertToVector256Int64(v).AsUInt64() : Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));

    // Pass 3: momenta from (s_ij, geometry uniforms), vectorised; a last partial vector goes through a buffer.
    // Columns 12 to 14, when present, take s_01, s_02, s_12.
    private void Build(ReadOnlySpan<uint> words, ReadOnlySpan<double> sBuffer, int n, int padded, double[][] columns, int row)
    {
        var M = Vector256.Create(_M); var M2 = Vector256.Create(_M2); var inv2M = Vector256.Create(_inv2M);
        var mi2 = Vector256.Create(_mi2); var mj2 = Vector256.Create(_mj2); var mk2 = Vector256.Create(_mk2);
        var one = Vector256<double>.One; var two = Vector256.Create(2.0); var half = Vector256.Create(0.5);
        var zero = Vector256<double>.Zero;
        var tiny = Vector256.Create(1e-300);
        int ci = 4 * _i, cj = 4 * _j, ck = 4 * _k;
        // Column of the pair (a, b): 12 + a + b - 1 for a < b.
        int pij = 11 + _i + _j, pjk = 11 + _j + _k, pik = 11 + _i + _k;
        bool withPairs = columns.Length == 15;
        var sumOfInvariants = Vector256.Create(Dalitz.SumOfInvariants);
        Span<double> tail = stackalloc double[Lanes];
        for (int t = 0; t < padded; t += Lanes)
        {
            var s = Vector256.LoadUnsafe(ref Unsafe.AsRef(in sBuffer[t]));
            var ut = Uniform(words, t);
            var ua = Uniform(words, 2 * Batch + t);
            var ub = Uniform(words, 4 * Batch + t);
            var ug = Uniform(words, 6 * Batch + t);

            var l = (s - Vector256.Create(_a1)) * (s - Vector256.Create(_b1)) * ((s - Vector256.Create(_a2)) * (s - Vector256.Create(_b2)));
            var root = Vector256.Sqrt(Vector256.Max(l, zero));
            var product = (s - mi2 + mj2) * (M2 - s - mk2);
            var sjk = mj2 + mk2 + (product - root * (one - two * ut)) * (half / s);
            var ek = (M2 + mk2 - s) * inv2M;
            var ei = (M2 + mi2 - sjk) * inv2M;
            var ej = M - ei - ek;
            var pi2 = Vector256.Max(ei * ei - mi2, zero);
            var pk2 = Vector256.Max(ek * ek - mk2, zero);
            var pj2 = Vector256.Max(ej * ej - mj2, zero);
            var pi = Vector256.Sqrt(pi2);
            var pk = Vector256.Sqrt(pk2);
            var cik = Vector256.Min(Vector256.Max((pj2 - pi2 - pk2) / Vector256.Max(two * pi * pk, tiny), -one), one);
            var sik = Vector256.Sqrt(Vector256.Max(one - cik * cik, zero));
            var cb = two * ub - one;
            var sb = Vector256.Sqrt(Vector256.Max(one - cb * cb, zero));
            var (sa, ca) = TurnSinCos.Compute(ua);
            var (sg, cg) = TurnSinCos.Compute(ug);

            // i = (pi sin, 0, pi cos) and k = (0, 0, pk), turned by Rz(γ), Ry(β), Rz(α).
            var xi = pi * sik; var zi = pi * cik;
            var x1 = xi * cg; var y1 = xi * sg;
            var x2 = x1 * cb + zi * sb;
            var iz = zi * cb - x1 * sb;
            var ix = x2 * ca - y1 * sa;
            var iy = x2 * sa + y1 * ca;
            var kxy = pk * sb;
            var kx = kxy * ca; var ky = kxy * sa; var kz = pk * cb;
            var jx = -(ix + kx); var jy = -(iy + ky); var jz = -(iz + kz);

            var s_ik = sumOfInvariants - s - sjk;
            if (t + Lanes <= n)
            {
                int r = row + t;
                Store(columns, ci, r, ei, ix, iy, iz);
                Store(columns, cj, r, ej, jx, jy, jz);
                Store(columns, ck, r, ek, kx, ky, kz);
                if (withPairs)
                {
                    s.StoreUnsafe(ref columns[pij][r]);
                    sjk.StoreUnsafe(ref columns[pjk][r]);
                    s_ik.StoreUnsafe(ref columns[pik][r]);
                }
            }
            else
            {
                int valid = n - t;
                Span<Vector256<double>> values = [ei, ix, iy, iz, ej, jx, jy, jz, ek, kx, ky, kz, s, sjk, s_ik];
                Span<int> targets = [ci, ci + 1, ci + 2, ci + 3, cj, cj + 1, cj + 2, cj + 3, ck, ck + 1, ck + 2, ck + 3, pij, pjk, pik];
                for (int v = 0; v < (withPairs ? 15 : 12); v++)
                {
                    values[v].CopyTo(tail);
                    tail[..valid].CopyTo(columns[targets[v]].AsSpan(row + t, valid));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(double[][] columns, int first, int row, Vector256<double> e, Vector256<double> x, Vector256<double> y, Vector256<double> z)
    {
        e.StoreUnsafe(ref columns[first][row]);
        x.StoreUnsafe(ref columns[first + 1][row]);
        y.StoreUnsafe(ref columns[first + 2][row]);
        z.StoreUnsafe(ref columns[first + 3][row]);
    }
}
