using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Randomness;

public class RandomStreamTests
{
    private static readonly RandomStream Rng = new(20240601, 7);

    [Fact]
    public void Event_block_is_philox_of_the_documented_counter()
    {
        long ev = 0x1_2345_6789;
        var expected = Philox4x32.Compute(new PhiloxBlock(3, 0x2345_6789, 1, 7), (uint)Rng.Seed, (uint)(Rng.Seed >> 32));
        Assert.Equal(expected, Rng.EventBlock(ev, 3));
    }

    [Fact]
    public void Bulk_event_blocks_equal_single_event_blocks()
    {
        const int n = 77;
        long first = 0xFFFF_FFF0;   // crosses the low word's wrap
        var w = new uint[4][];
        for (int k = 0; k < 4; k++) w[k] = new uint[n];
        Rng.EventBlocks(first, 2, w[0], w[1], w[2], w[3]);
        for (int t = 0; t < n; t++)
            Assert.Equal(Rng.EventBlock(first + t, 2), new PhiloxBlock(w[0][t], w[1][t], w[2][t], w[3][t]));
    }

    [Fact]
    public void Event_draws_walk_the_event_blocks_in_order()
    {
        var r = Rng.Event(42);
        var b0 = Rng.EventBlock(42, 0);
        var b1 = Rng.EventBlock(42, 1);
        Assert.Equal(b0.X0, r.NextUInt32());
        // An odd word is skipped before a double: words 2-3 of block 0.
        Assert.Equal(RandomBits.Uniform(b0.X2, b0.X3), r.NextDouble());
        Assert.Equal(RandomBits.Uniform(b1.X0, b1.X1), r.NextDouble());
        Assert.Equal(RandomBits.UniformOpenClosed(b1.X2, b1.X3), r.NextDoubleOpenClosed());
        Assert.Equal(2u, r.NextBlock);
    }

    [Fact]
    public void Event_draws_start_at_the_given_block()
    {
        var r = Rng.Event(5, firstBlock: 9);
        Assert.Equal(Rng.EventBlock(5, 9).X0, r.NextUInt32());
    }

    public static TheoryData<string> Kinds => new() { "uniform", "normal", "exponential", "words" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Flat_sequences_do_not_depend_on_the_chunking(string kind)
    {
        const int n = 1000;
        var whole = Fill(kind, 13, n);
        var pieces = new double[n];
        int done = 0;
        foreach (int size in new[] { 1, 3, 16, 17, 255, 256, 257, 1 })
        {
            Fill(kind, 13 + done, size).CopyTo(pieces, done);
            done += size;
        }
        Fill(kind, 13 + done, n - done).CopyTo(pieces, done);
        Assert.Equal(whole, pieces);
        Assert.Equal(whole[500], Fill(kind, 513, 1)[0]);
    }

    private static double[] Fill(string kind, long position, int n)
    {
        var d = new double[n];
        switch (kind)
        {
            case "uniform": Rng.FillUniform(position, d); break;
            case "normal": Rng.FillNormal(position, d); break;
            case "exponential": Rng.FillExponential(position, d); break;
            default:
                var u = new uint[n];
                Rng.FillUInt32(position, u);
                for (int i = 0; i < n; i++) d[i] = u[i];
                break;
        }
        return d;
    }

    [Fact]
    public void Uniform_sequence_is_the_documented_words()
    {
        var rng = new RandomStream(1, 2);
        var d = new double[4];
        rng.FillUniform(0, d);
        var b1 = Philox4x32.Compute(new PhiloxBlock(1, 0, 0x8000_0001, 2), 1, 0);
        Assert.Equal(RandomBits.Uniform(b1.X0, b1.X1), d[2]);
        Assert.Equal(RandomBits.Uniform(b1.X2, b1.X3), d[3]);
        Assert.Equal(d[3], rng.Uniform(3));
    }

    [Fact]
    public void Uniforms_have_53_bits_and_the_right_moments()
    {
        const int n = 1_000_000;
        var d = new double[n];
        Rng.FillUniform(0, d);
        double sum = 0, sum2 = 0;
        foreach (var x in d)
        {
            Assert.InRange(x, 0.0, 1.0);
            Assert.True(x < 1.0);
            Assert.Equal(x, Math.ScaleB(Math.Round(Math.ScaleB(x, 53)), -53));
            sum += x; sum2 += x * x;
        }
        double mean = sum / n, variance = sum2 / n - mean * mean;
        Assert.InRange(mean, 0.5 - 5 * Math.Sqrt(1.0 / 12 / n), 0.5 + 5 * Math.Sqrt(1.0 / 12 / n));
        Assert.InRange(variance, 1.0 / 12 - 0.001, 1.0 / 12 + 0.001);
        // Low bits are used too: some values have an odd 53-bit integer.
        Assert.Contains(d, x => ((long)Math.ScaleB(x, 53) & 1) == 1);
    }

    [Fact]
    public void Uniforms_pass_a_chi_square_test_on_100_bins()
    {
        const int n = 1_000_000, bins = 100;
        var d = new double[n];
        new RandomStream(99, 1).FillUniform(12345, d);
        var counts = new int[bins];
        foreach (var x in d) counts[(int)(x * bins)]++;
        double expected = (double)n / bins, chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        // 99 degrees of freedom: mean 99, sd 14; 99 + 5 sd.
        Assert.InRange(chi2, 40, 170);
    }

    [Fact]
    public void Normals_and_exponentials_have_the_right_moments()
    {
        const int n = 400_000;
        var z = new double[n];
        Rng.FillNormal(0, z);
        double m = z.Average(), v = z.Select(x => (x - m) * (x - m)).Average();
        Assert.InRange(m, -0.01, 0.01);
        Assert.InRange(v, 0.99, 1.01);
        double kurt = z.Select(x => Math.Pow((x - m), 4)).Average() / (v * v);
        Assert.InRange(kurt, 2.95, 3.05);
        var e = new double[n];
        Rng.FillExponential(0, e);
        Assert.All(e, x => Assert.True(x >= 0 && double.IsFinite(x)));
        Assert.InRange(e.Average(), 0.99, 1.01);
        var ev = Rng.Event(3);
        double s = 0;
        for (int i = 0; i < n; i++) s += ev.NextNormal();
        Assert.InRange(s / n, -0.01, 0.01);
    }

    [Fact]
    public void Streams_and_seeds_differ()
    {
        var a = new double[8]; var b = new double[8]; var c = new double[8];
        new RandomStream(1, 0).FillUniform(0, a);
        new RandomStream(1, 1).FillUniform(0, b);
        new RandomStream(2, 0).FillUniform(0, c);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(new RandomStream(1, 1), new RandomStream(1, 0).WithStream(1));
    }

    [Fact]
    public void Negative_positions_and_events_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rng.Event(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rng.Uniform(-1));
    }
}
