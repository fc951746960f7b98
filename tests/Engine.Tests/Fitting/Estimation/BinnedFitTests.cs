using System.Numerics;
using PartialWave.Data;
using PartialWave.Estimation;
using PartialWave.Modeling;
using PartialWave.Optimization;
using Xunit;

namespace PartialWave.Engine.Tests.Fitting.Estimation;

/// <summary>
/// Binned Poisson likelihoods (issue 20), against iminuit 2.11.2's <c>BinnedNLL</c> and <c>ExtendedBinnedNLL</c> on the
/// same histogram (their figures printed by iminuit here, with the exact CDF of the model).
/// </summary>
public class BinnedFitTests
{
    private static readonly double[] Counts = [400, 240, 150, 85, 52, 30, 20, 11, 7, 5];
    private static Histogram Decays() => new(["x"], [Histogram.UniformEdges(0, 10, 10)], (double[])Counts.Clone());

    private static IParametrizedFunction Compile(string model, params ParameterSpec[] parameters) =>
        Lambdify.Compile(EstimatorTests.Parse(model), ["x"], parameters, new Dictionary<string, Complex>());

    [Fact]
    public void Gauss_legendre_nodes_are_the_known_ones_and_integrate_polynomials_exactly()
    {
        var (x, w) = GaussLegendre.Nodes(3);
        Assert.Equal(-Math.Sqrt(0.6), x[0], 1e-15);
        Assert.Equal(0, x[1], 1e-15);
        Assert.Equal(5.0 / 9, w[0], 1e-15);
        Assert.Equal(8.0 / 9, w[1], 1e-15);
        foreach (int n in new[] { 1, 2, 5, 12, 40 })
        {
            var (xs, ws) = GaussLegendre.Nodes(n);
            for (int degree = 0; degree < 2 * n; degree++)
            {
                double sum = xs.Select((v, i) => ws[i] * Math.Pow(v, degree)).Sum();
                Assert.Equal(degree % 2 == 0 ? 2.0 / (degree + 1) : 0, sum, 1e-13);
            }
        }
    }

    [Fact]
    public void Extended_binned_fit_matches_iminuits_with_the_exact_cdf()
    {
        using var f = Compile("N*exp(-x/tau)/tau", ParameterSpec.Real("N", 900), ParameterSpec.Real("tau", 1.5));
        var nll = BinnedNll.Quadrature(f, Decays(), extended: true);
        // iminuit: ExtendedBinnedNLL(n, xe, lambda x, N, tau: N * (1 - exp(-x / tau)))(1000, 2) = 0.7587276817410982.
        Assert.Equal(0.7587276817410982, nll.Value([1000, 2]), 1e-10);
        var m = new Minuit(nll, [900.0, 1.5], [10, 0.1]);
        m.Migrad();
        var r = m.Hesse();
        Assert.True(r.IsValid);
        Assert.Equal(1.0, nll.ErrorDef);
        // iminuit: N 1006.3177202449731 +- 31.842076689170536, tau 1.9720873391342995 +- 0.06906199919033247, fval 0.5533692552308178.
        Assert.Equal(1006.3177202449731, r.Value("N"), 1e-3);
        Assert.Equal(1.9720873391342995, r.Value("tau"), 1e-5);
        Assert.Equal(31.842076689170536, r.Error("N"), 3e-2);
        Assert.Equal(0.06906199919033247, r.Error("tau"), 1e-4);
        Assert.Equal(0.5533692552308178, r.Fval, 1e-7);
    }

    [Fact]
    public void Shape_only_binned_fit_matches_iminuits_with_the_cdf_normalised_on_the_range()
    {
        using var f = Compile("exp(-x/tau)", ParameterSpec.Real("tau", 1.5));
        var nll = BinnedNll.Quadrature(f, Decays(), extended: false);
        // iminuit: BinnedNLL(n, xe, lambda x, tau: (1 - exp(-x/tau)) / (1 - exp(-10/tau)))(2) = 0.7131227809345697.
        Assert.Equal(0.7131227809345697, nll.Value([2.0]), 1e-10);
        var m = new Minuit(nll, [new FitParameter("tau", 1.5, 0.1, Lower: 0.1)]);
        m.Migrad();
        var r = m.Hesse();
        // iminuit: tau 1.9719453473591686 +- 0.06905207478194275, fval 0.5533741174006086.
        Assert.Equal(1.9719453473591686, r.Value("tau"), 1e-4); // both within MIGRAD's tolerance: 0.001 of the error
        Assert.Equal(0.06905207478194275, r.Error("tau"), 1e-4);
        Assert.InRange(r.Fval, 0.5533741174006086 - 1e-5, 0.5533741174006086 + 1e-9); // ours lands a little lower
        // The expected contents add up to the histogram's total.
        Assert.Equal(Counts.Sum(), nll.Expected([r.Value("tau")]).Sum(), 1e-9);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_normalisation_sample_integrates_a_projection_like_quadrature_and_the_gradient_is_exact(bool extended)
    {
        // A model in x only, a sample on a midpoint grid in (x, y): the histogram in x is a projection.
        var grid = Enumerable.Range(0, 400 * 10).Select(i => ((i / 10 + 0.5) / 40.0, (i % 10 + 0.5) / 10.0)).ToArray();
        var sample = new EventSample([new("x", grid.Select(p => p.Item1).ToArray()), new("y", grid.Select(p => p.Item2).ToArray())]);
        var hist = new Histogram(["x"], [Histogram.UniformEdges(0, 10, 10)], (double[])Counts.Clone());
        using var fq = Compile("N*exp(-x/tau)/tau", ParameterSpec.Real("N", 900), ParameterSpec.Real("tau", 1.5));
        using var fs = Compile("N*exp(-x/tau)/tau", ParameterSpec.Real("N", 900), ParameterSpec.Real("tau", 1.5));
        var byQuadrature = BinnedNll.Quadrature(fq, hist, extended);
        var bySample = BinnedNll.Sample(fs, hist, sample, extended, volume: 10);
        double[] at = [950, 1.8];
        var a = byQuadrature.Expected(at);
        var b = bySample.Expected(at);
        // A midpoint rule of 40 points per bin against 5-node Gauss-Legendre: within its error, h^2/24 tau^2 ~ 8e-6.
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 2e-5 * a[i]);
        foreach (var nll in new[] { byQuadrature, bySample })
        {
            var g = new double[2];
            double v = nll.ValueAndGradient(at, g);
            Assert.Equal(nll.Value(at), v, 1e-12);
            for (int k = 0; k < 2; k++)
            {
                var up = (double[])at.Clone();
                var down = (double[])at.Clone();
                double h = 1e-6 * Math.Abs(at[k]);
                up[k] += h;
                down[k] -= h;
                double fd = (nll.Value(up) - nll.Value(down)) / (2 * h);
                Assert.Equal(fd, g[k], 1e-5 * Math.Max(1, Math.Abs(fd)));
            }
        }
    }

    [Fact]
    public void Bad_input_and_a_model_with_nothing_in_an_occupied_bin_are_reported()
    {
        Assert.Contains("increasing", Assert.Throws<ArgumentException>(() => new Histogram(["x"], [[0, 1, 1]], [1, 2])).Message);
        Assert.Contains("contents", Assert.Throws<ArgumentException>(() => new Histogram(["x"], [[0, 1, 2]], [1])).Message);
        Assert.Contains("at least 0", Assert.Throws<ArgumentException>(() => new Histogram(["x"], [[0, 1, 2]], [1, -1])).Message);
        using var f = Compile("c*x", ParameterSpec.Real("c", 1));
        var sparse = new EventSample([new("x", new[] { 0.5, 1.5 })]);
        var hist = new Histogram(["x"], [Histogram.UniformEdges(0, 3, 3)], [1, 2, 3]);
        Assert.Contains("bin 2", Assert.Throws<ArgumentException>(() => BinnedNll.Sample(f, hist, sparse, extended: true)).Message);
        var nll = BinnedNll.Quadrature(f, hist, extended: true);
        Assert.Contains("bin 0", Assert.Throws<NonFiniteObjectiveException>(() => nll.Value([0.0])).Message);
        // Filling: the upper edge belongs to the last bin, values outside are not counted.
        var filled = Histogram.Fill(new EventSample([new("x", new[] { 0.0, 0.99, 1.0, 3.0, 3.5, -0.1 })]), ["x"], [Histogram.UniformEdges(0, 3, 3)]);
        Assert.Equal([2.0, 1.0, 1.0], filled.Counts);
    }
}
