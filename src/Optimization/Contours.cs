using System.Diagnostics;
using PartialWave.Numerics;

namespace PartialWave.Optimization;

/// <summary>One point of a 2-D confidence contour.</summary>
public sealed record ContourPoint(double X, double Y);

/// <summary>
/// A 2-D confidence contour (iminuit's <c>mncontour</c>, Minuit2's <c>MnContours</c>): points where the cost, minimised
/// over the other free parameters, is <see cref="Level"/> above its minimum, in order around the best fit (not closed:
/// the last point is not a copy of the first).
/// </summary>
/// <param name="X">The first parameter (horizontal).</param>
/// <param name="Y">The second parameter (vertical).</param>
/// <param name="Cl">The confidence level asked for: a probability below 1, a number of standard deviations from 1 on.</param>
/// <param name="Level">The rise of the cost that bounds the region: errordef × the χ² quantile for 2 degrees of freedom.</param>
/// <param name="BestX">The first parameter's best-fit value.</param>
/// <param name="BestY">The second parameter's best-fit value.</param>
/// <param name="Fmin">The cost at the best fit.</param>
/// <param name="Points">The points found, in order around the contour.</param>
/// <param name="IsComplete">All points asked for were found.</param>
/// <param name="Message">Why the contour is incomplete, or null.</param>
/// <param name="Nfcn">Cost calls used.</param>
/// <param name="Seconds">Wall-clock time taken.</param>
public sealed record ContourResult(string X, string Y, double Cl, double Level, double BestX, double BestY, double Fmin,
    IReadOnlyList<ContourPoint> Points, bool IsComplete, string? Message, int Nfcn, double Seconds);

/// <summary>
/// Contours as Minuit2's MnContours builds them: MINOS of each parameter at the contour's level gives the four extreme
/// points (with the other parameter where the cost is minimal there); then, until enough points are found, the widest
/// gap between neighbours (in units of the MINOS widths) is split: from its midpoint, along the perpendicular outwards,
/// the distance is found at which the cost minimised over the other parameters crosses the level. That crossing search
/// starts from the ellipse the covariance predicts, rescales it by the measured rise, then takes secant steps (inwards
/// too, where the midpoint of a bent contour lies outside it), and interpolates the crossing between its last trials.
/// </summary>
internal static class Contours
{
    private const double CrossingTolerance = 0.01; // |ΔF − level| below this fraction of the level, then interpolated
    private const int MaxTrials = 10;

    /// <summary>The rise of the cost, in units of errordef, that bounds a 2-parameter region of confidence <paramref name="cl"/>.</summary>
    /// <exception cref="ArgumentException">cl is not a positive finite number.</exception>
    public static double LevelFactor(double cl)
    {
        if (!(cl > 0) || !double.IsFinite(cl)) throw new ArgumentException($"the confidence level must be a probability below 1 or a number of standard deviations (1 or more), got {cl}");
        // χ² with 2 degrees of freedom: P(χ² < q) = 1 − exp(−q/2), so q = −2 ln(1 − p); n standard deviations mean the
        // probability of |z| < n for one Gaussian variable, 1 − p = erfc(n/√2).
        double tail = cl < 1 ? 1 - cl : 1 - ScalarMath.Erf(cl / Math.Sqrt(2));
        return -2 * Math.Log(tail);
    }

    public static ContourResult Run(IObjective objective, IReadOnlyList<FitParameter> parameters, int ix, int iy, double[] values,
        double[,] covariance, double[] errors, double fmin, int strategy, double tolerance, int maxCalls, int size, double cl, Action<int, int>? progress)
    {
        var sw = Stopwatch.StartNew();
        double errordef = objective.ErrorDef, level = errordef * LevelFactor(cl);
        string nx = parameters[ix].Name, ny = parameters[iy].Name;
        double x0 = values[ix], y0 = values[iy];
        int calls = 0;
        var points = new List<(double X, double Y)>();
        int budget = 100 * (size + 5) * (parameters.Count(p => !p.Fixed) + 1);

        ContourResult Done(string? message) => new(nx, ny, cl, level, x0, y0, fmin, points.Select(p => new ContourPoint(p.X, p.Y)).ToList(),
            message is null && points.Count >= size, message, calls, sw.Elapsed.TotalSeconds);

        // The cost minimised over the other parameters with the given ones fixed.
        var minimiser = new ConditionalMinimiser(objective, parameters, values, covariance, Math.Max(0, strategy - 1), tolerance, iterate: 2);
        (double Delta, double[]? At) Minimise(params (int Index, double Value)[] fixes)
        {
            int before = minimiser.Calls;
            var r = minimiser.Minimise(fixes);
            calls += minimiser.Calls - before;
            return r.Failure is null ? (r.Fval - fmin, r.Parameters.Select(p => p.Value).ToArray()) : (double.NaN, null);
        }

        var mx = Minos.Run(objective, parameters, ix, values, covariance, errors, fmin, strategy, tolerance, maxCalls, level);
        calls += mx.Nfcn;
        if (!mx.IsValid || mx.AtLowerLimit || mx.AtUpperLimit) return Done($"MINOS of {nx} at the contour's level found no {(mx.LowerValid && !mx.AtLowerLimit ? "upper" : "lower")} crossing{LimitNote(mx)}");
        var my = Minos.Run(objective, parameters, iy, values, covariance, errors, fmin, strategy, tolerance, maxCalls, level);
        calls += my.Nfcn;
        if (!my.IsValid || my.AtLowerLimit || my.AtUpperLimit) return Done($"MINOS of {ny} at the contour's level found no {(my.LowerValid && !my.AtLowerLimit ? "upper" : "lower")} crossing{LimitNote(my)}");

        // The four extreme points, counter-clockwise from the left: each with the other parameter where the cost is
        // minimal at that value.
        foreach (var (index, value, other) in new[] { (ix, x0 + mx.Lower, iy), (iy, y0 + my.Lower, ix), (ix, x0 + mx.Upper, iy), (iy, y0 + my.Upper, ix) })
        {
            var (delta, at) = Minimise((index, value));
            if (at is null || double.IsNaN(delta)) return Done($"the minimum with {parameters[index].Name} fixed at {value} failed");
            points.Add(index == ix ? (value, at[other]) : (at[other], value));
            progress?.Invoke(points.Count, calls);
        }

        double sx = 1 / (mx.Upper - mx.Lower), sy = 1 / (my.Upper - my.Lower);
        var c2 = LinearAlgebra.Invert(new[,] { { covariance[ix, ix], covariance[ix, iy] }, { covariance[iy, ix], covariance[iy, iy] } });
        var px = parameters[ix];
        var py = parameters[iy];
        while (points.Count < size)
        {
            if (calls > budget) return Done($"the call limit ({budget}) was reached after {points.Count} points");
            // The widest gap between neighbours (the last point neighbours the first).
            int widest = 0;
            double widestDistance = -1;
            for (int i = 0; i < points.Count; i++)
            {
                var (a, b) = (points[i], points[(i + 1) % points.Count]);
                double d = Sq((b.X - a.X) * sx) + Sq((b.Y - a.Y) * sy);
                if (d > widestDistance) (widest, widestDistance) = (i, d);
            }
            var p1 = points[widest];
            var p2 = points[(widest + 1) % points.Count];
            (double X, double Y)? found = null;
            // From the midpoint first, then nearer either end (as MnContours does when a crossing is not found).
            foreach (double w in new[] { 0.5, 0.75, 0.25 })
            {
                double mxc = w * p1.X + (1 - w) * p2.X, myc = w * p1.Y + (1 - w) * p2.Y;
                // Perpendicular to p1 → p2, outwards for points in counter-clockwise order, scaled to about the contour's size.
                double dx = p2.Y - p1.Y, dy = p1.X - p2.X;
                double scale = Math.Max(Math.Abs(dx * sx), Math.Abs(dy * sy));
                if (!(scale > 0)) break;
                dx /= scale;
                dy /= scale;
                found = Cross(mxc, myc, dx, dy);
                if (found is not null) break;
            }
            if (found is not { } f) return Done($"no crossing was found between points {widest + 1} and {(widest + 1) % points.Count + 1}; found {points.Count} of {size} points");
            points.Insert(widest + 1, f);
            progress?.Invoke(points.Count, calls);
        }
        return Done(null);

        // The point on the line (mx, my) + a (dx, dy) where the minimised cost rises by the level, on the outer side
        // (a may be negative where the midpoint is already outside, as on a bent contour); null when the search fails or
        // runs into a parameter's limit first.
        (double X, double Y)? Cross(double mxc, double myc, double dx, double dy)
        {
            // The rise the covariance predicts along the line: q(a) = errordef (r + a d)ᵀ C⁻¹ (r + a d), r = mid − best.
            double rx = mxc - x0, ry = myc - y0;
            double A = 0, B = 0, C = 0;
            if (c2 is not null)
            {
                A = errordef * (c2[0, 0] * dx * dx + 2 * c2[0, 1] * dx * dy + c2[1, 1] * dy * dy);
                B = errordef * (c2[0, 0] * rx * dx + c2[0, 1] * (rx * dy + ry * dx) + c2[1, 1] * ry * dy);
                C = errordef * (c2[0, 0] * rx * rx + 2 * c2[0, 1] * rx * ry + c2[1, 1] * ry * ry);
            }
            double Q(double a) => A * a * a + 2 * B * a + C;
            double Slope(double a) => 2 * A * a + 2 * B;
            // The outer a where λ q(a) = level, or the line's closest approach where it misses that ellipse.
            double Root(double lambda)
            {
                if (!(A > 0)) return double.NaN;
                double disc = B * B - A * (C - level / lambda);
                return disc >= 0 ? (-B + Math.Sqrt(disc)) / A : -B / A;
            }
            // How far the line may go either way inside the limits of x and y.
            double aMax = Math.Min(Reach(mxc, dx, px), Reach(myc, dy, py));
            double aMin = -Math.Min(Reach(mxc, -dx, px), Reach(myc, -dy, py));

            double lambdaNow = 1;
            double trial = Root(1);
            if (!double.IsFinite(trial)) trial = 0.1;
            var tried = new List<(double A, double G)>();
            for (int n = 0; n < MaxTrials; n++)
            {
                bool atLimit = false;
                if (trial >= aMax || trial <= aMin)
                {
                    trial = Math.Clamp(trial, aMin, aMax);
                    atLimit = true;
                }
                var (delta, _) = Minimise((ix, mxc + trial * dx), (iy, myc + trial * dy));
                if (double.IsNaN(delta)) return null;
                double g = delta - level;
                tried.Add((trial, g));
                if (atLimit && (trial == aMax ? g < 0 : g > 0)) return null;
                double q = Q(trial);
                if (q > 0 && delta > 0) lambdaNow = delta / q;
                double next;
                if (tried.Count >= 2 && tried[^1].G != tried[^2].G)
                {
                    var (a1, g1) = tried[^2];
                    var (a2, g2) = tried[^1];
                    next = a2 - g2 * (a2 - a1) / (g2 - g1);
                }
                else
                {
                    // Newton's step on the rescaled prediction.
                    double slope = lambdaNow * Slope(trial);
                    next = slope > 0 ? trial - g / slope : Root(lambdaNow);
                }
                if (!double.IsFinite(next)) next = trial + (g > 0 ? -0.1 : 0.1);
                // Close enough to interpolate: the crossing is then taken from a secant through two trials near it (one
                // trial alone only where it is already as close as the interpolation would be).
                if (Math.Abs(g) < CrossingTolerance * level &&
                    (tried.Count >= 2 && Math.Abs(tried[^2].G) < 10 * CrossingTolerance * level || Math.Abs(g) < 0.05 * CrossingTolerance * level))
                {
                    // The crossing interpolated from the last trials, unless that jumps away.
                    double a = Math.Abs(next - trial) < 0.05 ? next : trial;
                    return a > aMax || a < aMin ? null : (mxc + a * dx, myc + a * dy);
                }
                // Steps no longer than three times the last one (the direction is scaled to the contour's size).
                double maxStep = tried.Count >= 2 ? 3 * Math.Abs(tried[^1].A - tried[^2].A) : 0.5;
                trial += Math.Clamp(next - trial, -maxStep, maxStep);
            }
            return null;
        }
    }

    private static double Sq(double v) => v * v;

    // The largest a ≥ 0 with start + a·direction within the parameter's limits.
    private static double Reach(double start, double direction, FitParameter p) =>
        direction > 0 && p.Upper is { } hi ? (hi - start) / direction
        : direction < 0 && p.Lower is { } lo ? (lo - start) / direction
        : double.PositiveInfinity;

    private static string LimitNote(MinosError e) =>
        e.AtLowerLimit || e.AtUpperLimit ? " (it ran into the parameter's limit: the region is not closed inside the limits)"
        : e.LowerMaxFcn || e.UpperMaxFcn ? " (it ran out of calls)" : "";
}
