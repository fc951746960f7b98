using PartialWave.Optimization;
using Xunit;

namespace PartialWave.Engine.Tests.Optimization;

/// <summary>
/// SCAN and 2-D contours (issue 20), checked against exact answers and against iminuit 2.11.2 on the same costs
/// (the iminuit figures were printed by iminuit, run here beside these tests).
/// </summary>
public class ScanContourTests
{
    private static double Rosenbrock(IReadOnlyList<double> p) => (1 - p[0]) * (1 - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]);

    private static Minuit RosenbrockMinuit() =>
        new(new DelegateObjective(["x", "y"], Rosenbrock), [new FitParameter("x", 0, 0.1, Lower: -2, Upper: 2), new FitParameter("y", 0, 2)]);

    [Fact]
    public void Scan_takes_iminuits_grid_and_finds_its_point_with_its_calls_and_flags()
    {
        var m = RosenbrockMinuit();
        var r = m.Scan();
        // iminuit: m.limits["x"] = (-2, 2); m.errors["y"] = 2; m.scan() -> (0.7368421052631575, 0.5263157894736841),
        // fval 0.09687617498330937, nfcn 409, edm 0.04924706987595499, errors (0.06724764, 0.1). iminuit 2.11.2 calls
        // that point valid although its own documentation says a scan's point with an EDM above the goal is not; later
        // iminuit (and PartialWave) flag it above the maximum EDM.
        Assert.Equal(0.7368421052631575, r.Value("x"), 1e-14);
        Assert.Equal(0.5263157894736841, r.Value("y"), 1e-14);
        Assert.Equal(0.09687617498330937, r.Fval, 1e-14);
        Assert.Equal(409, r.Nfcn);
        Assert.False(r.IsValid);
        Assert.True(r.IsAboveMaxEdm);
        Assert.Equal(0.04924706987595499, r.Edm, 1e-8);
        Assert.Equal(0.06724764099402358, r.Parameters[0].Error, 1e-6);
        Assert.Equal(0.1, r.Parameters[1].Error, 1e-6);
        // iminuit: a MIGRAD after it reaches (0.99986, 0.99958) with 476 calls in all.
        var after = m.Migrad();
        Assert.True(after.IsValid);
        Assert.Equal(1, after.Value("x"), 1e-3);
        Assert.Equal(1, after.Value("y"), 1e-3);
        Assert.InRange(after.Nfcn, 409, 476);
    }

    [Fact]
    public void Scan_spends_about_the_calls_it_is_given()
    {
        var m = RosenbrockMinuit();
        var r = m.Scan(calls: 30);
        // iminuit m.scan(ncall=30): 5 x 5 grid, lands on (1, 1) exactly, 36 calls with the seed's.
        Assert.Equal(1.0, r.Value("x"));
        Assert.Equal(1.0, r.Value("y"));
        Assert.Equal(0.0, r.Fval);
        Assert.Equal(36, r.Nfcn);
    }

    [Fact]
    public void Scan_reports_a_cost_that_is_nowhere_finite_as_a_failure()
    {
        var m = new Minuit(new DelegateObjective(["x"], _ => double.NaN), [new FitParameter("x", 0, 1)]);
        var r = m.Scan(calls: 10);
        Assert.NotNull(r.Failure);
        Assert.Contains("not finite", r.Failure);
        Assert.False(r.IsValid);
    }

    // (a - 1)^2 + 2 (b + 2)^2 + 1.2 (a - 1)(b + 2) + (c - a)^2: the profile in (a, b) is the first three terms.
    private static double Quadratic(IReadOnlyList<double> p) =>
        (p[0] - 1) * (p[0] - 1) + 2 * (p[1] + 2) * (p[1] + 2) + 1.2 * (p[0] - 1) * (p[1] + 2) + (p[2] - p[0]) * (p[2] - p[0]);

    [Fact]
    public void Contour_of_a_quadratic_lies_on_the_exact_ellipse_and_spans_the_exact_minos_range()
    {
        var m = new Minuit(new DelegateObjective(["a", "b", "c"], Quadratic), [0.0, 0.0, 0.0], [0.1, 0.1, 0.1]);
        m.Migrad();
        var c = m.Contour("a", "b", size: 8, cl: 0.68);
        Assert.True(c.IsComplete, c.Message);
        Assert.Equal(8, c.Points.Count);
        // chi2(2).ppf(0.68) as iminuit uses it.
        Assert.Equal(2.27886856637673, c.Level, 1e-12);
        foreach (var p in c.Points)
        {
            double profile = (p.X - 1) * (p.X - 1) + 2 * (p.Y + 2) * (p.Y + 2) + 1.2 * (p.X - 1) * (p.Y + 2);
            Assert.InRange(profile, c.Level * 0.9999, c.Level * 1.0001); // iminuit: two of its 8 points 2.2e-4 off
        }
        // Profile of a alone: 0.82 (a - 1)^2; iminuit's extremes: -0.66706 and 2.66708.
        double half = Math.Sqrt(c.Level / 0.82);
        Assert.Equal(1 - half, c.Points.Min(p => p.X), 1e-4);
        Assert.Equal(1 + half, c.Points.Max(p => p.X), 1e-4);
        AssertGoesAround(c);
    }

    // Points in order around the best fit: the angle seen from it changes monotonically, once around.
    private static void AssertGoesAround(ContourResult c)
    {
        double turned = 0;
        for (int i = 0; i < c.Points.Count; i++)
        {
            var (p, q) = (c.Points[i], c.Points[(i + 1) % c.Points.Count]);
            double step = Math.Atan2(q.Y - c.BestY, q.X - c.BestX) - Math.Atan2(p.Y - c.BestY, p.X - c.BestX);
            step = Math.IEEERemainder(step, 2 * Math.PI);
            Assert.True(step != 0);
            turned += step;
            Assert.True(Math.Sign(step) == Math.Sign(turned), "the contour's points are not in order");
        }
        Assert.Equal(2 * Math.PI, Math.Abs(turned), 1e-9);
    }

    private static readonly double[] Counts = [3, 7, 12, 9, 4, 2];

    // A two-parameter Poisson likelihood of a Gaussian peak (errordef 1/2): far from quadratic in the width.
    private static double PeakNll(IReadOnlyList<double> p)
    {
        double sum = 0;
        for (int i = 0; i < Counts.Length; i++)
        {
            double mu = p[0] * Math.Exp(-0.5 * Math.Pow((i - 2.7) / p[1], 2));
            sum += mu - Counts[i] * Math.Log(mu);
        }
        return sum;
    }

    [Theory]
    // iminuit 2.11.2: mncontour("amp", "slope", cl=0.68 / 0.95, size=12); its extremes in amp and slope.
    [InlineData(0.68, 7.173528688956877, 13.870296709679451, 1.210869260842404, 2.259954524507733)]
    [InlineData(0.95, 5.702921763840559, 16.670065420640938, 1.0789348399258523, 3.9668029543326644)]
    public void Contour_of_a_non_quadratic_likelihood_crosses_the_level_at_every_point_and_matches_iminuits_extent(
        double cl, double xMin, double xMax, double yMin, double yMax)
    {
        var m = new Minuit(new DelegateObjective(["amp", "slope"], PeakNll, 0.5), [new FitParameter("amp", 10, 1), new FitParameter("slope", 1.5, 0.1, Lower: 0.1, Upper: 10)]);
        m.Migrad();
        m.Hesse();
        var c = m.Contour("amp", "slope", size: 12, cl: cl);
        Assert.True(c.IsComplete, c.Message);
        Assert.Equal(12, c.Points.Count);
        // iminuit's points have the level to 1e-4 but one (3e-3); ours to 5e-4 at most.
        foreach (var p in c.Points)
            Assert.InRange(PeakNll([p.X, p.Y]) - c.Fmin, c.Level * 0.9995, c.Level * 1.0005);
        // The points themselves sit at different places along the contour; its extent is comparable.
        Assert.Equal(xMin, c.Points.Min(p => p.X), xMin * 0.01);
        Assert.Equal(xMax, c.Points.Max(p => p.X), xMax * 0.01);
        Assert.Equal(yMin, c.Points.Min(p => p.Y), yMin * 0.01);
        Assert.Equal(yMax, c.Points.Max(p => p.Y), yMax * 0.01);
        AssertGoesAround(c);
    }

    [Theory]
    [InlineData(0.68, 2.27886856637673)]
    [InlineData(0.95, 5.991464547107979)]
    [InlineData(1.0, 2.295748928898636)]   // 1 sigma: chi2(2).ppf(chi2(1).cdf(1))
    [InlineData(2.0, 6.180074306244168)]   // 2 sigma
    public void Contour_levels_are_the_chi2_quantiles_of_two_degrees_of_freedom(double cl, double factor)
    {
        var m = new Minuit(new DelegateObjective(["a", "b", "c"], Quadratic), [0.0, 0.0, 0.0], [0.1, 0.1, 0.1]);
        var c = m.Contour("a", "b", size: 4, cl: cl);
        Assert.Equal(factor, c.Level, 1e-9);
        Assert.Equal(4, c.Points.Count);
    }

    [Fact]
    public void Contour_refuses_what_it_cannot_mean()
    {
        var m = new Minuit(new DelegateObjective(["a", "b", "c"], Quadratic), [new FitParameter("a", 0, 0.1), new FitParameter("b", 0, 0.1), new FitParameter("c", 0, 0.1, Fixed: true)]);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => m.Contour("a", "a")).Message);
        Assert.Contains("fixed", Assert.Throws<ArgumentException>(() => m.Contour("a", "c")).Message);
        Assert.Contains("no parameter 'z'", Assert.Throws<ArgumentException>(() => m.Contour("a", "z")).Message);
        Assert.Contains("at least 4", Assert.Throws<ArgumentException>(() => m.Contour("a", "b", size: 3)).Message);
        Assert.Contains("confidence level", Assert.Throws<ArgumentException>(() => m.Contour("a", "b", cl: -1)).Message);
        var flat = new Minuit(new DelegateObjective(["a", "b"], p => -p[0] + p[1] * p[1]), [0.0, 0.0], [0.1, 0.1]);
        Assert.Contains("not valid", Assert.Throws<InvalidOperationException>(() => flat.Contour("a", "b")).Message);
    }
}
