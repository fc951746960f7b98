using System.Numerics;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Optimization;
using PartialWave.Parsing;
using PartialWave.Symbolic;
using PartialWave.Modeling;

namespace PartialWave.Engine.Tests.Fitting.Estimation;

public class EstimatorTests
{
    internal static Expr Parse(string text) => InfixReader.Parse(text).GetValueOrThrow();

    internal static EventSample Uniform(int n, int seed, params string[] names)
    {
        var rng = new Random(seed);
        return new EventSample(names.Select(name => new KeyValuePair<string, double[]>(name,
            Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray())).ToList());
    }

    private static double CentralDifference(IObjective f, double[] x, int k, double h = 1e-6)
    {
        var up = (double[])x.Clone();
        var down = (double[])x.Clone();
        up[k] += h;
        down[k] -= h;
        return (f.Value(up) - f.Value(down)) / (2 * h);
    }

    private static void AssertGradient(IObjective f, double[] x, double tolerance = 1e-6)
    {
        var g = new double[x.Length];
        double v = f.ValueAndGradient(x, g);
        Assert.Equal(f.Value(x), v, 1e-9 * Math.Max(1, Math.Abs(v)));
        for (int k = 0; k < x.Length; k++)
        {
            double fd = CentralDifference(f, x, k);
            Assert.True(Math.Abs(g[k] - fd) <= tolerance * Math.Max(1, Math.Abs(fd)), $"d/d{f.ParameterNames[k]}: analytic {g[k]}, numerical {fd}");
        }
    }

    // |c1 + c2 * x + c3 * exp(-y/t)|^2 with a complex and a real parameter: an intensity in couplings and a shape parameter.
    private const string Model = "Abs(c1 + c2*x + c3*exp(-y/t))**2";

    private static IParametrizedFunction Compile(Backend backend = Backend.Cpu) => Lambdify.Compile(Parse(Model), ["x", "y"],
        [ParameterSpec.ComplexValued("c2", new Complex(0.5, 0.2)), ParameterSpec.ComplexValued("c3", new Complex(-0.3, 0.4)), ParameterSpec.Real("t", 0.7)],
        new Dictionary<string, Complex> { ["c1"] = 1 }, new LambdifyOptions { Backend = backend });

    [Fact]
    public void Unbinned_nll_is_the_formula_and_its_gradient_is_exact()
    {
        var data = Uniform(500, 1, "x", "y");
        var mc = Uniform(3000, 2, "x", "y");
        var weights = Enumerable.Range(0, 500).Select(i => 0.5 + (i % 7) / 7.0).ToArray();
        var f = Compile();
        var nll = new UnbinnedNll(f, data, mc, null, weights);
        Assert.Equal(["c2.re", "c2.im", "c3.re", "c3.im", "t"], nll.ParameterNames);
        double[] x = [0.4, 0.1, -0.2, 0.5, 0.9];
        // Direct formula with the reference backend, event by event.
        var r = Compile(Backend.Reference);
        r.SetParameter("c2", new Complex(0.4, 0.1));
        r.SetParameter("c3", new Complex(-0.2, 0.5));
        r.SetParameter("t", 0.9);
        var vd = new double[data.Count];
        var vm = new double[mc.Count];
        r.Evaluate(data, vd, new double[data.Count]);
        r.Evaluate(mc, vm, new double[mc.Count]);
        double expected = -vd.Select((v, i) => weights[i] * Math.Log(v)).Sum() + weights.Sum() * Math.Log(vm.Average());
        Assert.Equal(expected, nll.Value(x), 1e-9 * Math.Abs(expected));
        AssertGradient(nll, x);
        // The reference backend knows the intensity is real and gives the same likelihood and gradient.
        var reference = new UnbinnedNll(Compile(Backend.Reference), data, mc, null, weights);
        Assert.Equal(expected, reference.Value(x), 1e-9 * Math.Abs(expected));
        var g1 = new double[5];
        var g2 = new double[5];
        nll.ValueAndGradient(x, g1);
        reference.ValueAndGradient(x, g2);
        for (int k = 0; k < 5; k++) Assert.Equal(g2[k], g1[k], 1e-8 * Math.Max(1, Math.Abs(g2[k])));
        Assert.Equal(0.5, nll.ErrorDef);
    }

    [Fact]
    public void Coupling_only_fits_keep_the_normalisation_as_a_matrix()
    {
        var data = Uniform(400, 21, "x", "y");
        var mc = Uniform(5000, 22, "x", "y");
        var weights = Enumerable.Range(0, 5000).Select(i => 0.25 + (i % 5) / 4.0).ToArray();
        ParameterMap Couplings(IParametrizedFunction f) => new(f, [
            new ParameterBinding("c2.re", "c2", ParameterPart.Re), new ParameterBinding("c2.im", "c2", ParameterPart.Im),
            new ParameterBinding("|c3|", "c3", ParameterPart.Magnitude), new ParameterBinding("arg c3", "c3", ParameterPart.Phase)]);
        var f1 = Compile();
        var f2 = Compile();
        var cached = new UnbinnedNll(f1, data, mc, Couplings(f1), null, weights);
        var full = new UnbinnedNll(f2, data, mc, Couplings(f2), null, weights, cacheNormalisation: false);
        Assert.StartsWith("cached 3x3", cached.NormalisationMode);
        var rng = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            double[] x = [rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, 0.2 + rng.NextDouble(), 3 * rng.NextDouble()];
            var g1 = new double[4];
            var g2 = new double[4];
            double v1 = cached.ValueAndGradient(x, g1), v2 = full.ValueAndGradient(x, g2);
            Assert.Equal(v2, v1, 1e-10 * Math.Abs(v2));
            Assert.Equal(v2, cached.Value(x), 1e-10 * Math.Abs(v2));
            for (int k = 0; k < 4; k++) Assert.Equal(g2[k], g1[k], 1e-8 * Math.Max(1, Math.Abs(g2[k])));
        }
        // A shape parameter changed behind the estimator's back invalidates the matrix: it is rebuilt.
        f1.SetParameter("t", 0.4);
        f2.SetParameter("t", 0.4);
        Assert.Equal(full.Value([0.1, 0.2, 0.5, 1.0]), cached.Value([0.1, 0.2, 0.5, 1.0]), 1e-9);
    }

    [Fact]
    public void Normalisation_stays_a_full_sum_when_the_model_is_not_a_form_in_the_couplings()
    {
        var f = Lambdify.Compile(Parse("1 + Abs(c)**3*x"), ["x"], [ParameterSpec.ComplexValued("c", new Complex(0.5, 0.1))]);
        var nll = new UnbinnedNll(f, Uniform(100, 1, "x"), Uniform(100, 2, "x"));
        Assert.Contains("not a quadratic form", nll.NormalisationMode);
        var g = Compile();
        var withShape = new UnbinnedNll(g, Uniform(100, 3, "x", "y"), Uniform(100, 4, "x", "y"));
        Assert.Contains("real parameters are free", withShape.NormalisationMode);
    }

    [Fact]
    public void Polar_couplings_give_the_same_likelihood_and_a_chained_gradient()
    {
        var data = Uniform(400, 3, "x", "y");
        var mc = Uniform(2000, 4, "x", "y");
        var cart = new UnbinnedNll(Compile(), data, mc);
        var f = Compile();
        var map = new ParameterMap(f, [
            new ParameterBinding("|c2|", "c2", ParameterPart.Magnitude), new ParameterBinding("arg c2", "c2", ParameterPart.Phase),
            new ParameterBinding("c3.re", "c3", ParameterPart.Re), new ParameterBinding("t", "t", ParameterPart.Value)]);
        var polar = new UnbinnedNll(f, data, mc, map);
        var c2 = Complex.FromPolarCoordinates(0.6, 0.8);
        // c3.im is unbound: it keeps the compiled start value 0.4.
        Assert.Equal(cart.Value([c2.Real, c2.Imaginary, -0.25, 0.4, 0.8]), polar.Value([0.6, 0.8, -0.25, 0.8]), 1e-9);
        AssertGradient(polar, [0.6, 0.8, -0.25, 0.8]);
        Assert.Equal([Math.Sqrt(0.29), Math.Atan2(0.2, 0.5), -0.3, 0.7], map.StartValues().Select(v => Math.Round(v, 12)).ToArray(),
            new ToleranceComparer(1e-12));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double d) => 0;
    }

    [Fact]
    public void Bad_bindings_are_refused_by_name()
    {
        var f = Compile();
        FitParameterException Refused(string parameter, params ParameterBinding[] bindings)
        {
            var e = Assert.Throws<FitParameterException>(() => new ParameterMap(f, bindings));
            Assert.Equal(parameter, e.Parameter);
            return e;
        }
        Assert.Contains("'nope'", Refused("a", new ParameterBinding("a", "nope", ParameterPart.Value)).Message);
        Assert.Contains("complex", Refused("a", new ParameterBinding("a", "c2", ParameterPart.Value)).Message);
        Assert.Contains("real", Refused("a", new ParameterBinding("a", "t", ParameterPart.Im)).Message);
        Assert.Contains("both", Refused("b", new ParameterBinding("a", "c2", ParameterPart.Re), new ParameterBinding("b", "c2", ParameterPart.Phase)).Message);
        Assert.Contains("twice", Refused("a", new ParameterBinding("a", "t", ParameterPart.Value), new ParameterBinding("a", "c3", ParameterPart.Re)).Message);
    }

    [Fact]
    public void A_negative_intensity_is_reported_with_the_number_of_events()
    {
        // 1 + a*x goes negative for x > 1/|a| when a < 0.
        var f = Lambdify.Compile(Parse("1 + a*x"), ["x"], [ParameterSpec.Real("a", 0.5)]);
        var data = Uniform(1000, 5, "x");
        var nll = new UnbinnedNll(f, data, Uniform(1000, 6, "x"));
        var e = Assert.Throws<NonFiniteObjectiveException>(() => nll.Value([-2.0]));
        int expected = Enumerable.Range(0, data.Count).Count(i => 1 - 2 * data["x"][i] <= 0);
        Assert.Contains($"at {expected} of 1000 data events", e.Message);
        Assert.Contains("a = -2", e.Message);
        // ... and a fit that walks there stops with that report instead of minimising a NaN.
        var r = new Minuit(nll, [new FitParameter("a", -0.9, 0.5)]).Migrad();
        if (r.Failure is not null) Assert.Contains("data events", r.Failure);
    }

    [Fact]
    public void Extended_nll_with_an_expected_total_expression()
    {
        // Density of counts n * 2x on [0, 1] (normalised shape 2x): expected total n.
        var f = Lambdify.Compile(Parse("n*(1 + b*(2*x - 1))"), ["x"], [ParameterSpec.Real("n", 100), ParameterSpec.Real("b", 0.1)]);
        var rng = new Random(7);
        // x distributed as 2x (b = 1): sqrt of a uniform.
        var data = new EventSample([new("x", Enumerable.Range(0, 2000).Select(_ => Math.Sqrt(rng.NextDouble())).ToArray())]);
        var nll = new ExtendedUnbinnedNll(f, data, Parse("n"));
        Assert.Equal(["b", "n"], nll.ParameterNames); // compiled parameters are ordered by name
        AssertGradient(nll, [0.6, 1500], 1e-5);
        var m = new Minuit(nll, [new FitParameter("n", 1000, 10, Lower: 0), new FitParameter("b", 0, 0.1)]);
        m.Migrad();
        var r = m.Hesse();
        Assert.True(r.IsValid, r.ToTable());
        // The yield's maximum-likelihood estimate is the event count, with error √N.
        Assert.Equal(2000, r.Value("n"), 0.5); // within 1% of its error, √2000 ≈ 45
        Assert.Equal(Math.Sqrt(2000), r.Error("n"), 0.5);
        Assert.Equal(1, r.Value("b"), 0.1);
    }

    [Fact]
    public void Extended_nll_with_a_monte_carlo_total_matches_the_analytic_one()
    {
        var f = Lambdify.Compile(Parse("n*(1 + b*(2*x - 1))"), ["x"], [ParameterSpec.Real("n", 100), ParameterSpec.Real("b", 0.1)]);
        var data = Uniform(300, 8, "x");
        var mc = new EventSample([new("x", Enumerable.Range(0, 1000).Select(i => (i + 0.5) / 1000).ToArray())]);
        var analytic = new ExtendedUnbinnedNll(f, data, Parse("n"));
        var sampled = new ExtendedUnbinnedNll(f, data, mc, volume: 1.0);
        // The midpoint rule integrates a linear density exactly.
        Assert.Equal(analytic.Value([0.3, 250]), sampled.Value([0.3, 250]), 1e-9);
        AssertGradient(sampled, [0.3, 250], 1e-5);
    }

    [Fact]
    public void Chi_square_of_a_straight_line_gives_the_least_squares_solution()
    {
        var f = Lambdify.Compile(Parse("a + b*x"), ["x"], [ParameterSpec.Real("a", 0), ParameterSpec.Real("b", 0)]);
        double[] xs = [0, 1, 2, 3, 4, 5, 6, 7];
        double[] ys = [1.1, 2.9, 5.2, 6.8, 9.1, 11.0, 12.8, 15.2];
        double[] sig = [0.2, 0.3, 0.2, 0.4, 0.3, 0.2, 0.3, 0.5];
        var chi2 = new ChiSquared(f, new EventSample([new("x", xs)]), ys, sig);
        AssertGradient(chi2, [0.7, 1.9], 1e-5);
        var m = new Minuit(chi2, [new FitParameter("a", 0, 1), new FitParameter("b", 0, 1)]);
        m.Migrad();
        var r = m.Hesse();
        // Weighted least squares: normal equations.
        double s = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double w = 1 / (sig[i] * sig[i]);
            s += w; sx += w * xs[i]; sxx += w * xs[i] * xs[i]; sy += w * ys[i]; sxy += w * xs[i] * ys[i];
        }
        double det = s * sxx - sx * sx;
        Assert.Equal((sxx * sy - sx * sxy) / det, r.Value("a"), 1e-5);
        Assert.Equal((s * sxy - sx * sy) / det, r.Value("b"), 1e-5);
        Assert.Equal(Math.Sqrt(sxx / det), r.Error("a"), 1e-5);
        Assert.Equal(Math.Sqrt(s / det), r.Error("b"), 1e-5);
        Assert.Equal(-sx / det, r.Covariance[0, 1], 1e-6);
        Assert.Equal(1.0, chi2.ErrorDef);
    }
}
