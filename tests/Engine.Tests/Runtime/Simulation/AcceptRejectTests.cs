using PartialWave.Data;
using PartialWave.Simulation;
using PartialWave.Engine.Tests.Fitting.Estimation;

namespace PartialWave.Engine.Tests.Runtime.Simulation;

public class AcceptRejectTests
{
    // A counter-based stand-in for the engine's generator: SplitMix64 of (stream, index).
    internal static double Uniform(ulong stream, long index)
    {
        ulong z = (ulong)index * 0x9E3779B97F4A7C15UL + stream * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    internal static UniformFill Uniforms(ulong stream) => (first, destination) =>
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Uniform(stream, first + i);
    };

    // Flat candidates x in [0, 1), with an optional weight column w = 2x (a proposal density).
    private static CandidateBatch Flat(bool weighted = false) => (first, count) =>
    {
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = Uniform(1, first + i);
        var columns = new List<KeyValuePair<string, double[]>> { new("x", x) };
        if (weighted) columns.Add(new("w", x.Select(v => 2 * v).ToArray()));
        return new EventSample(columns);
    };

    private static IParametrizedFunction Model(string text) => Lambdify.Compile(EstimatorTests.Parse(text), ["x"], []);

    private static double ChiSquare(double[] x, Func<double, double> density, int bins)
    {
        var counts = new int[bins];
        foreach (var v in x) counts[Math.Min(bins - 1, (int)(v * bins))]++;
        // Expected counts from the density's integral over each bin (midpoint rule on a fine grid).
        var expected = new double[bins];
        for (int b = 0; b < bins; b++)
            for (int k = 0; k < 100; k++) expected[b] += density((b + (k + 0.5) / 100) / bins) / (100.0 * bins);
        double norm = expected.Sum();
        return counts.Select((c, b) => Math.Pow(c - x.Length * expected[b] / norm, 2) / (x.Length * expected[b] / norm)).Sum();
    }

    [Fact]
    public void Kept_events_follow_the_intensity()
    {
        var sim = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 10_000 };
        var r = sim.Run(50_000);
        Assert.Equal(50_000, r.Events.Count);
        Assert.Empty(r.Restarts);
        // 20 bins: chi-square with 19 degrees of freedom stays below 45 except with probability ~1e-3.
        Assert.InRange(ChiSquare(r.Events["x"].ToArray(), x => 1 + 4 * x * x, 20), 0, 45);
        Assert.InRange(r.Efficiency, 0.44, 0.47); // mean 7/3 over a padded maximum of 5·1.05
    }

    [Fact]
    public void The_estimated_maximum_and_the_sample_do_not_depend_on_the_batch_size()
    {
        var small = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 1000 }.Run(3000);
        var large = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 5000 }.Run(3000);
        Assert.Equal(small.Maximum, large.Maximum);
        Assert.Equal(small.Events["x"].ToArray(), large.Events["x"].ToArray());
    }

    [Fact]
    public void The_sample_does_not_depend_on_the_batch_size()
    {
        var a = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 1000 }.Run(3000);
        var b = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 4096, Maximum = a.Maximum }.Run(3000);
        Assert.Equal(a.Events["x"].ToArray(), b.Events["x"].ToArray());
        Assert.Equal(a.Generated, b.Generated);
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, null)]
    [InlineData(2, 2.0)]   // restarts: the excess must be found where one worker finds it
    public void Workers_give_the_sample_one_worker_gives(int workers, double? maximum)
    {
        var one = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 1000, Maximum = maximum }.Run(7000);
        var many = new AcceptReject(() => Model("1 + 4*x**2"), Flat(), Uniforms(2), workers) { BatchSize = 1000, Maximum = maximum }.Run(7000);
        Assert.Equal(one.Events["x"].ToArray(), many.Events["x"].ToArray());
        Assert.Equal(one.Generated, many.Generated);
        Assert.Equal(one.Maximum, many.Maximum);
        Assert.Equal(one.Restarts, many.Restarts);
    }

    [Fact]
    public void A_candidate_above_the_maximum_restarts_the_run_with_a_larger_one()
    {
        var sim = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 1000, Maximum = 2.0 };
        var r = sim.Run(2000);
        Assert.NotEmpty(r.Restarts);
        Assert.Contains("above the assumed maximum 2", r.Restarts[0]);
        Assert.True(r.Maximum >= 5.0);
        // The final pass is an ordinary run with that maximum.
        var again = new AcceptReject(Model("1 + 4*x**2"), Flat(), Uniforms(2)) { BatchSize = 1000, Maximum = r.Maximum }.Run(2000);
        Assert.Equal(again.Events["x"].ToArray(), r.Events["x"].ToArray());
    }

    [Fact]
    public void Weighted_candidates_are_accepted_on_intensity_times_weight()
    {
        // Candidates flat with weight 2x, intensity 1 + x: the kept density is (1 + x)·2x.
        var sim = new AcceptReject(Model("1 + x"), Flat(weighted: true), Uniforms(3)) { WeightColumn = "w", BatchSize = 8192 };
        var r = sim.Run(40_000);
        Assert.InRange(ChiSquare(r.Events["x"].ToArray(), x => (1 + x) * 2 * x, 20), 0, 45);
        var weighted = sim.Weighted(1000);
        Assert.Equal(1000, weighted.Count);
        double x0 = weighted["x"][0];
        Assert.Equal((1 + x0) * 2 * x0, weighted["weight"][0], 1e-12);
    }

    [Fact]
    public void A_negative_intensity_is_an_error_naming_the_candidate()
    {
        var sim = new AcceptReject(Model("x - 0.5"), Flat(), Uniforms(2)) { Maximum = 1 };
        var e = Assert.Throws<InvalidOperationException>(() => sim.Run(10));
        Assert.Matches("at candidate [0-9]+", e.Message);
        Assert.Contains("not negative", e.Message);
        // the same error (the earliest bad candidate), not wrapped, from one or several workers, every time
        var one = new AcceptReject(() => Model("x - 0.5"), Flat(), Uniforms(2), 1) { Maximum = 1, BatchSize = 100 };
        string expected = Assert.Throws<InvalidOperationException>(() => one.Run(1000)).Message;
        for (int i = 0; i < 20; i++)
        {
            var workers = new AcceptReject(() => Model("x - 0.5"), Flat(), Uniforms(2), 2) { Maximum = 1, BatchSize = 100 };
            Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => workers.Run(1000)).Message);
        }
    }

    [Fact]
    public void Progress_is_reported_per_batch()
    {
        var seen = new List<SimulationProgress>();
        new AcceptReject(Model("1 + x"), Flat(), Uniforms(2)) { BatchSize = 1000, Progress = seen.Add }.Run(5000);
        Assert.True(seen.Count >= 5);
        Assert.True(seen.Zip(seen.Skip(1)).All(t => t.Second.Generated > t.First.Generated && t.Second.Accepted >= t.First.Accepted));
        Assert.Equal(5000, seen[^1].Accepted);
    }
}
