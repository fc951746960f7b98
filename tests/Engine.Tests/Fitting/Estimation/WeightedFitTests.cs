using System.Numerics;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Modeling;
using PartialWave.Optimization;
using Xunit;

namespace PartialWave.Engine.Tests.Fitting.Estimation;

/// <summary>Weighted unbinned fits and their covariance corrections (issue 20).</summary>
public class WeightedFitTests
{
    private const string Model = "Abs(c1 + c2*x + c3*exp(-y/t))**2";

    private static IParametrizedFunction Compile() => Lambdify.Compile(EstimatorTests.Parse(Model), ["x", "y"],
        [ParameterSpec.ComplexValued("c2", new Complex(0.5, 0.2)), ParameterSpec.ComplexValued("c3", new Complex(-0.3, 0.4)), ParameterSpec.Real("t", 0.7)],
        new Dictionary<string, Complex> { ["c1"] = 1 });

    [Fact]
    public void The_score_product_is_the_weighted_sum_of_squared_per_event_derivatives_of_log_p()
    {
        var data = EstimatorTests.Uniform(300, 1, "x", "y");
        var mc = EstimatorTests.Uniform(2000, 2, "x", "y");
        var weights = Enumerable.Range(0, 300).Select(i => -0.3 + (i % 11) / 5.0).ToArray(); // some negative, as sWeights
        using var f = Compile();
        var nll = new UnbinnedNll(f, data, mc, null, weights);
        double[] x = [0.4, 0.1, -0.2, 0.5, 0.9];

        var d = nll.WeightedScoreProduct(x);

        // log P_i = log I(x_i) - log mean_mc I, differentiated by central differences, per event.
        double[] LogP(double[] at)
        {
            nll.Map.Apply(at);
            var vd = new double[data.Count];
            var vm = new double[mc.Count];
            f.Evaluate(data, vd);
            f.Evaluate(mc, vm);
            double logNorm = Math.Log(vm.Average());
            return vd.Select(v => Math.Log(v) - logNorm).ToArray();
        }
        int n = x.Length;
        var s = new double[n][];
        for (int a = 0; a < n; a++)
        {
            var up = (double[])x.Clone();
            var down = (double[])x.Clone();
            up[a] += 1e-6;
            down[a] -= 1e-6;
            var (lu, ld) = (LogP(up), LogP(down));
            s[a] = lu.Select((v, i) => (v - ld[i]) / 2e-6).ToArray();
        }
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                double expected = Enumerable.Range(0, data.Count).Sum(i => weights[i] * weights[i] * s[a][i] * s[b][i]);
                Assert.Equal(expected, d[a, b], 1e-6 * Math.Max(1, Math.Abs(expected)));
            }
    }

    // Each fit compiles its own function: a parameter map assumes it is the only one setting its function's parameters.
    // A well-conditioned two-parameter intensity, so that HESSE's inverse and a numerical Hessian agree closely.
    private static (FitResult Result, UnbinnedNll Nll) Fit(EventSample data, EventSample mc, double[]? weights)
    {
        var f = Lambdify.Compile(EstimatorTests.Parse("1 + a*x + b*y*y"), ["x", "y"], [ParameterSpec.Real("a", 0.3), ParameterSpec.Real("b", -0.2)],
            new Dictionary<string, Complex>());
        var nll = new UnbinnedNll(f, data, mc, null, weights);
        var m = new Minuit(nll, [new FitParameter("a", 0.3, 0.1), new FitParameter("b", -0.2, 0.1, Lower: -0.9)]);
        m.Migrad();
        var r = m.Hesse();
        Assert.True(r.IsValid);
        return (r, nll);
    }

    [Fact]
    public void Unit_weights_leave_sumw2_equal_to_hesse_and_constant_weights_do_not_change_the_corrected_errors()
    {
        var data = EstimatorTests.Uniform(2000, 3, "x", "y");
        var mc = EstimatorTests.Uniform(8000, 4, "x", "y");
        var ones = Enumerable.Repeat(1.0, data.Count).ToArray();
        var threes = Enumerable.Repeat(3.0, data.Count).ToArray();
        var (plain, _) = Fit(data, mc, null);
        var (unit, unitNll) = Fit(data, mc, ones);
        var (scaled, scaledNll) = Fit(data, mc, threes);

        var unitSumW2 = WeightedCovariance.Correct(unit, unitNll, WeightCorrection.SumW2);
        var scaledSumW2 = WeightedCovariance.Correct(scaled, scaledNll, WeightCorrection.SumW2);
        var unitAsym = WeightedCovariance.Correct(unit, unitNll, WeightCorrection.Asymptotic);
        var scaledAsym = WeightedCovariance.Correct(scaled, scaledNll, WeightCorrection.Asymptotic);

        Assert.Equal("sumw2", unitSumW2.CovarianceCorrection);
        Assert.Equal("asymptotic", unitAsym.CovarianceCorrection);
        for (int i = 0; i < plain.Parameters.Count; i++)
        {
            double e = plain.Parameters[i].Error;
            // Weights of 1: H_w2 is H, so the sandwich is HESSE's covariance (up to the numerical Hessian).
            Assert.Equal(e, unitSumW2.Parameters[i].Error, 2e-3 * e);
            // Weights of 3: the weighted likelihood's own errors shrink by sqrt 3; both corrections undo that.
            Assert.Equal(e / Math.Sqrt(3), scaled.Parameters[i].Error, 2e-3 * e);
            Assert.Equal(e, scaledSumW2.Parameters[i].Error, 2e-3 * e);
            Assert.Equal(unitAsym.Parameters[i].Error, scaledAsym.Parameters[i].Error, 1e-3 * e); // the two minima differ within MIGRAD's tolerance
        }
        // (The asymptotic form with unit weights is the scores' spread, not the curvature: the two agree only where the
        // model describes the data, which these uniform events are not; the toy study below checks it where it does.)
    }

    [Fact]
    public void Corrected_errors_cover_the_spread_of_toy_fits_with_random_weights_and_the_uncorrected_do_not()
    {
        // I = 1 + c x on [0, 1]; each event weighted by an exponential random number (E w = 1, E w^2 = 2), independent
        // of x: the weighted likelihood's own error is too small by about sqrt 2.
        using var f = Lambdify.Compile(EstimatorTests.Parse("1 + c*x"), ["x"], [ParameterSpec.Real("c", 0.5)], new Dictionary<string, Complex>());
        var rng = new Random(2026);
        // The normalisation by the midpoint rule: a random sample would shift every toy alike by its own error.
        var mc = new EventSample([new("x", Enumerable.Range(0, 20000).Select(i => (i + 0.5) / 20000).ToArray())]);
        const double truth = 0.5;
        var fitted = new List<double>();
        double sumAsym = 0, sumW2 = 0, sumRaw = 0;
        const int toys = 300;
        for (int t = 0; t < toys; t++)
        {
            var xs = new List<double>();
            while (xs.Count < 1500)
            {
                double x = rng.NextDouble();
                if (rng.NextDouble() * (1 + truth) < 1 + truth * x) xs.Add(x);
            }
            var w = xs.Select(_ => -Math.Log(1 - rng.NextDouble())).ToArray();
            var nll = new UnbinnedNll(f, new EventSample([new("x", xs.ToArray())]), mc, null, w);
            var m = new Minuit(nll, [new FitParameter("c", truth, 0.1)]);
            m.Migrad();
            var r = m.Hesse();
            Assert.True(r.IsValid);
            fitted.Add(r.Value("c"));
            sumRaw += r.Error("c");
            sumAsym += WeightedCovariance.Correct(r, nll, WeightCorrection.Asymptotic).Error("c");
            sumW2 += WeightedCovariance.Correct(r, nll, WeightCorrection.SumW2).Error("c");
        }
        double mean = fitted.Average();
        double spread = Math.Sqrt(fitted.Sum(v => (v - mean) * (v - mean)) / (toys - 1));
        // 300 toys measure the spread to about 4 %.
        Assert.InRange(sumAsym / toys / spread, 0.9, 1.1);
        Assert.InRange(sumW2 / toys / spread, 0.9, 1.1);
        Assert.InRange(sumRaw / toys / spread, 0.6, 0.8);
    }
}
