using PartialWave.Kinematics;
using PartialWave.Randomness;

namespace PartialWave.Engine.Tests.Runtime.Kinematics;

public class PhaseSpaceTests
{
    private const double MJpsi = 3.0969, MPi0 = 0.1349768;
    private static readonly double[] JpsiDaughters = [0, MPi0, MPi0];
    private const double MD = 1.86966, MK = 0.493677, MPi = 0.13957;
    private static readonly double[] DDaughters = [MK, MPi, MPi];

    private static void AssertConserved(FourMomentumColumns events, double parentMass, IReadOnlyList<double> masses)
    {
        for (int e = 0; e < events.EventCount; e++)
        {
            var total = new LorentzVector(0, 0, 0, 0);
            for (int i = 0; i < events.ParticleCount; i++)
            {
                var p = events[i, e];
                total += p;
                Assert.True(Math.Abs(p.Mass2 - masses[i] * masses[i]) < 1e-12 * parentMass * parentMass, $"event {e} particle {i}: m^2 {p.Mass2}");
                Assert.True(p.E >= masses[i] - 1e-15);
            }
            Assert.True(Math.Abs(total.E - parentMass) < 1e-13 * parentMass, $"event {e}: E {total.E}");
            Assert.True(total.P < 1e-13 * parentMass, $"event {e}: |p| {total.P}");
        }
    }

    [Fact]
    public void Three_body_events_conserve_energy_and_momentum()
    {
        var rng = new RandomStream(11);
        AssertConserved(PhaseSpace.GenerateFlat(MJpsi, JpsiDaughters, 10007, rng), MJpsi, JpsiDaughters);
        AssertConserved(PhaseSpace.GenerateFlat(MD, DDaughters, 10007, rng), MD, DDaughters);
        double[] heavy = [1.0, 0.2, 0.5];
        AssertConserved(PhaseSpace.GenerateFlat(1.75, heavy, 5000, rng), 1.75, heavy);
        double[] massless = [0, 0, 0];
        AssertConserved(PhaseSpace.GenerateFlat(1.0, massless, 5000, rng), 1.0, massless);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void Genbod_events_conserve_energy_and_momentum(int n)
    {
        var masses = Enumerable.Range(0, n).Select(i => 0.1 * i).ToArray();
        var gen = new PhaseSpaceGenerator(2.5, masses);
        AssertConserved(gen.GenerateWeighted(new RandomStream(3), 3000, out var w), 2.5, masses);
        Assert.All(w, x => Assert.InRange(x, 0, gen.MaximumWeight));
        AssertConserved(gen.GenerateFlat(new RandomStream(3), 1000), 2.5, masses);
    }

    private static void AssertSame(FourMomentumColumns a, FourMomentumColumns b, int offsetB = 0)
    {
        for (int i = 0; i < a.ParticleCount; i++)
            for (int c = 0; c < 4; c++)
                Assert.True(a.Column(i, c).AsSpan().SequenceEqual(b.Column(i, c).AsSpan(offsetB, a.EventCount)), $"particle {i} component {c}");
    }

    [Fact]
    public void Three_body_sample_is_the_same_for_any_thread_count_and_split()
    {
        var gen = new ThreeBodyPhaseSpace(MJpsi, 0, MPi0, MPi0);
        var rng = new RandomStream(2024, 5);
        const int n = 50_001;
        var all = gen.Generate(rng, n, maxDegreeOfParallelism: -1);
        AssertSame(all, gen.Generate(rng, n, maxDegreeOfParallelism: 1));
        var pieces = new FourMomentumColumns(3, n + 7);
        int[] cuts = [0, 1, 3, 1000, 1003, 33_333, n];
        for (int k = 0; k + 1 < cuts.Length; k++)
            gen.Generate(rng, cuts[k], pieces, 7 + cuts[k], cuts[k + 1] - cuts[k], maxDegreeOfParallelism: k % 2 + 1);
        AssertSame(all, pieces, 7);
        // Event 40 000 alone, from its index.
        var one = gen.Generate(rng, 1, firstEvent: 40_000);
        for (int i = 0; i < 3; i++) Assert.Equal(all[i, 40_000], one[i, 0]);
        // Another seed or stream gives another sample.
        Assert.NotEqual(all[0, 0], gen.Generate(new RandomStream(2024, 6), 1)[0, 0]);
    }

    [Fact]
    public void Genbod_sample_is_the_same_for_any_thread_count_and_split()
    {
        var gen = new PhaseSpaceGenerator(2.0, [0.1, 0.2, 0.3, 0.4]);
        var rng = new RandomStream(9);
        var a = gen.GenerateWeighted(rng, 9000, out var wa, maxDegreeOfParallelism: -1);
        var b = gen.GenerateWeighted(rng, 9000, out var wb, maxDegreeOfParallelism: 1);
        AssertSame(a, b);
        Assert.Equal(wa, wb);
        var tail = gen.GenerateWeighted(rng, 1000, out var wt, firstEvent: 8000);
        for (int e = 0; e < 1000; e++)
        {
            Assert.Equal(wa[8000 + e], wt[e]);
            for (int i = 0; i < 4; i++) Assert.Equal(a[i, 8000 + e], tail[i, e]);
        }
        AssertSame(gen.GenerateFlat(rng, 5000, maxDegreeOfParallelism: 1), gen.GenerateFlat(rng, 5000));
    }

    [Fact]
    public void Two_body_weight_is_the_constant_volume()
    {
        var gen = new PhaseSpaceGenerator(MD, [MK, MPi]);
        gen.GenerateWeighted(new RandomStream(1), 1000, out var w);
        double pStar = PhaseSpaceGenerator.TwoBodyMomentum(MD, MK, MPi);
        Assert.All(w, x => Assert.Equal(Math.PI * pStar / MD, x, 1e-14));
        Assert.Equal(Math.PI * pStar / MD, gen.MaximumWeight, 1e-14);
    }

    private static void AssertMeanWeight(PhaseSpaceGenerator gen, double expected, int n = 400_000)
    {
        gen.GenerateWeighted(new RandomStream(77), n, out var w);
        double mean = w.Average(), sd = Math.Sqrt(w.Select(x => (x - mean) * (x - mean)).Average());
        double error = sd / Math.Sqrt(n);
        Assert.True(Math.Abs(mean - expected) < 5 * error + 1e-12 * expected,
            $"mean weight {mean} vs volume {expected} (+- {error}, {(mean - expected) / error:F1} sigma)");
    }

    [Theory]
    [InlineData(MJpsi, 0, MPi0, MPi0)]
    [InlineData(MD, MK, MPi, MPi)]
    [InlineData(1.0, 0.3, 0.3, 0.3)]
    public void Three_body_mean_weight_is_the_Dalitz_volume(double m, double m0, double m1, double m2)
    {
        var plot = new DalitzPlot(m, m0, m1, m2);
        AssertMeanWeight(new PhaseSpaceGenerator(m, [m0, m1, m2]), plot.PhaseSpaceVolume);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Massless_n_body_mean_weight_is_analytic(int n)
    {
        // R_n = (pi/2)^(n-1) M^(2n-4) / ((n-1)! (n-2)!) for massless daughters.
        const double M = 2.0;
        double f1 = 1, f2 = 1;
        for (int k = 2; k <= n - 1; k++) f1 *= k;
        for (int k = 2; k <= n - 2; k++) f2 *= k;
        double volume = Math.Pow(Math.PI / 2, n - 1) * Math.Pow(M, 2 * n - 4) / (f1 * f2);
        AssertMeanWeight(new PhaseSpaceGenerator(M, new double[n]), volume);
    }

    // Chi-square of the (s_12, s_01) histogram against a flat density, over bins entirely inside the boundary.
    private static (double Chi2, int Bins) DalitzChi2(FourMomentumColumns events, DalitzPlot plot, int bins = 25)
    {
        var s12 = events.PairMassSquared(1, 2);
        var s01 = events.PairMassSquared(0, 1);
        double xLo = plot.Minimum(1, 2), xHi = plot.Maximum(1, 2), yLo = plot.Minimum(0, 1), yHi = plot.Maximum(0, 1);
        double dx = (xHi - xLo) / bins, dy = (yHi - yLo) / bins;
        var counts = new int[bins, bins];
        for (int e = 0; e < events.EventCount; e++)
        {
            int bx = (int)((s12[e] - xLo) / dx), by = (int)((s01[e] - yLo) / dy);
            if (bx >= 0 && bx < bins && by >= 0 && by < bins) counts[bx, by]++;
        }
        double expected = events.EventCount * dx * dy / plot.Area, chi2 = 0;
        int used = 0;
        for (int bx = 0; bx < bins; bx++)
            for (int by = 0; by < bins; by++)
            {
                bool inside = true;
                for (int cx = 0; cx <= 2 && inside; cx++)
                    for (int cy = 0; cy <= 2 && inside; cy++)
                        inside = plot.Contains(1, 2, xLo + (bx + cx * 0.5) * dx, 0, 1, yLo + (by + cy * 0.5) * dy);
                if (!inside) continue;
                used++;
                chi2 += (counts[bx, by] - expected) * (counts[bx, by] - expected) / expected;
            }
        return (chi2, used);
    }

    public static TheoryData<string, double, double, double, double> Decays => new()
    {
        { "fast", MJpsi, 0, MPi0, MPi0 },
        { "fast", MD, MK, MPi, MPi },
        { "fast", 1.75, 1.0, 0.2, 0.5 },
        { "fast", 0.5, 0.16, 0.16, 0.16 },
        { "genbod", MD, MK, MPi, MPi },
    };

    [Theory]
    [MemberData(nameof(Decays))]
    public void Dalitz_plot_is_flat(string method, double m, double m0, double m1, double m2)
    {
        var plot = new DalitzPlot(m, m0, m1, m2);
        var rng = new RandomStream(31337, 1);
        var events = method == "fast"
            ? new ThreeBodyPhaseSpace(m, m0, m1, m2).Generate(rng, 600_000)
            : new PhaseSpaceGenerator(m, [m0, m1, m2]).GenerateFlat(rng, 300_000);
        var (chi2, bins) = DalitzChi2(events, plot);
        Assert.True(bins > 150, $"only {bins} inner bins");
        Assert.True(Math.Abs(chi2 - bins) < 5 * Math.Sqrt(2.0 * bins), $"chi2 {chi2:F1} for {bins} bins");
    }

    [Fact]
    public void Orientation_is_isotropic()
    {
        var events = PhaseSpace.GenerateFlat(MD, DDaughters, 200_000, new RandomStream(6));
        for (int i = 0; i < 3; i++)
        {
            double c = 0, c2 = 0, cp = 0, sp = 0;
            for (int e = 0; e < events.EventCount; e++)
            {
                var p = events[i, e];
                double cos = p.Pz / p.P;
                c += cos; c2 += cos * cos; cp += Math.Cos(p.Phi); sp += Math.Sin(p.Phi);
            }
            double n = events.EventCount, tolerance = 5 / Math.Sqrt(n);
            Assert.InRange(c / n, -tolerance, tolerance);
            Assert.InRange(c2 / n, 1.0 / 3 - tolerance, 1.0 / 3 + tolerance);
            Assert.InRange(cp / n, -tolerance, tolerance);
            Assert.InRange(sp / n, -tolerance, tolerance);
        }
    }

    [Fact]
    public void Fast_path_and_genbod_agree_on_the_invariants()
    {
        var fast = new ThreeBodyPhaseSpace(MD, MK, MPi, MPi).Generate(new RandomStream(1), 200_000);
        var slow = new PhaseSpaceGenerator(MD, DDaughters).GenerateFlat(new RandomStream(2), 200_000);
        foreach (var (i, j) in new[] { (0, 1), (1, 2) })
        {
            var a = fast.PairMassSquared(i, j); var b = slow.PairMassSquared(i, j);
            double ma = a.Average(), mb = b.Average();
            double sa = Math.Sqrt(a.Select(x => (x - ma) * (x - ma)).Average());
            Assert.True(Math.Abs(ma - mb) < 5 * sa * Math.Sqrt(2.0 / a.Length), $"s_{i}{j}: {ma} vs {mb}");
        }
    }

    [Fact]
    public void Three_body_generator_picks_an_efficient_pair()
    {
        var gen = new ThreeBodyPhaseSpace(MJpsi, 0, MPi0, MPi0);
        Assert.InRange(gen.Efficiency, 0.97, 1.0);
        var d = new ThreeBodyPhaseSpace(MD, MK, MPi, MPi);
        Assert.InRange(d.Efficiency, 0.97, 1.0);
        Assert.Equal(3, d.Dalitz.Masses.Count);
    }

    [Fact]
    public void Sample_columns_are_named_for_the_command_line()
    {
        var sample = PhaseSpace.FlatSample(MJpsi, JpsiDaughters, 100, new RandomStream(1));
        Assert.Equal(
            ["p0_E", "p0_px", "p0_py", "p0_pz", "p1_E", "p1_px", "p1_py", "p1_pz", "p2_E", "p2_px", "p2_py", "p2_pz", "m2_01", "m2_02", "m2_12"],
            sample.ColumnNames);
        var back = FourMomentumColumns.FromEventSample(sample);
        Assert.Equal(3, back.ParticleCount);
        Assert.Equal(sample["p2_pz"][17], back.Pz(2)[17]);
        var four = PhaseSpace.FlatSample(2.0, [0.1, 0.1, 0.1, 0.1], 10, new RandomStream(1));
        Assert.Equal(16 + 6, four.ColumnNames.Count);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreeBodyPhaseSpace(0.3, 0.1, 0.1, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhaseSpaceGenerator(1.0, [0.5, 0.6]));
        Assert.Throws<ArgumentException>(() => new PhaseSpaceGenerator(1.0, [0.5]));
        var gen = new ThreeBodyPhaseSpace(MJpsi, 0, MPi0, MPi0);
        Assert.Throws<ArgumentOutOfRangeException>(() => gen.Generate(new RandomStream(1), 0, new FourMomentumColumns(3, 10), 5, 6));
        Assert.Throws<ArgumentException>(() => gen.Generate(new RandomStream(1), 0, new FourMomentumColumns(2, 10), 0, 1));
        Assert.Throws<ArgumentException>(() => new FourMomentumColumns([new double[2], new double[2], new double[2]]));
    }
}

public class ThreeBodySampleTests
{
    [Fact]
    public void Generated_invariants_match_the_momenta_and_the_columns_do_not_depend_on_the_path()
    {
        var gen = new ThreeBodyPhaseSpace(1.86966, 0.493677, 0.13957, 0.13957);
        var rng = new RandomStream(17);
        var sample = gen.GenerateSample(rng, 10_003);
        var momenta = gen.Generate(rng, 10_003);
        var viaMomenta = momenta.ToEventSample();
        Assert.Equal(viaMomenta.ColumnNames, sample.ColumnNames);
        foreach (var name in sample.ColumnNames)
        {
            var a = sample[name]; var b = viaMomenta[name];
            for (int e = 0; e < a.Length; e++)
                if (name.StartsWith("m2_", StringComparison.Ordinal)) Assert.Equal(b[e], a[e], 1e-13);
                else Assert.Equal(b[e], a[e]);
        }
        Assert.Equal(sample["m2_12"].ToArray(), PhaseSpace.FlatSample(1.86966, [0.493677, 0.13957, 0.13957], 10_003, rng, maxDegreeOfParallelism: 1)["m2_12"].ToArray());
    }
}
