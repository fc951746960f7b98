namespace PartialWave.Optimization;

/// <summary>
/// SIMPLEX as Minuit2's SimplexBuilder runs it: Nelder and Mead's method with Minuit's expansion by a fitted
/// parabola along the reflection line (the step factor rho, kept within [4, 8]), started from a simplex whose edges
/// are ten times the seed's gradient steps, stopped when the spread of the simplex's values falls below
/// tolerance × errordef (no 0.002 factor here, unlike MIGRAD). It needs no derivatives and survives starts far from
/// the minimum where MIGRAD's quadratic model does not hold; its errors are only the simplex's extent, so a MIGRAD
/// (and HESSE) after it gives the result, as iminuit's <c>simplex().migrad()</c>.
/// </summary>
internal sealed class Simplex(InternalFunction f)
{
    /// <summary>The state at the simplex's best point: value, internal point, and an error estimate from its extent.</summary>
    public (double[] X, double F, double[] Errors, double Edm, bool AboveMaxEdm, bool CallLimit) Run(double[] x0, double f0, double[] steps, double tolerance, int maxCalls)
    {
        int n = x0.Length;
        double minEdm = Math.Max(tolerance * f.Up, Precision.Eps2);
        const double alpha = 1, beta = 0.5, gamma = 2, rhoMin = 4, rhoMax = 8;
        double rho1 = 1 + alpha, rho2 = 1 + alpha * gamma, wg = 1.0 / n;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        points[0] = (double[])x0.Clone();
        values[0] = f0;
        for (int i = 0; i < n; i++)
        {
            double dmin = 8 * Precision.Eps2 * (Math.Abs(x0[i]) + Precision.Eps2);
            var p = (double[])x0.Clone();
            p[i] += Math.Max(10 * steps[i], dmin);
            points[i + 1] = p;
            values[i + 1] = f.Value(p);
        }
        int jh = 0, jl = 0;
        void Extremes()
        {
            jh = jl = 0;
            for (int k = 1; k <= n; k++)
            {
                if (values[k] > values[jh]) jh = k;
                if (values[k] < values[jl]) jl = k;
            }
        }
        void Replace(double y, double[] p)
        {
            points[jh] = p;
            values[jh] = y;
            Extremes();
        }
        double Spread() => values[jh] - values[jl];
        double[] Combine(double a, double[] u, double b, double[] v)
        {
            var r = new double[n];
            for (int i = 0; i < n; i++) r[i] = a * u[i] + b * v[i];
            return r;
        }
        double[] Centroid()
        {
            var pbar = new double[n];
            for (int k = 0; k <= n; k++)
            {
                if (k == jh) continue;
                for (int i = 0; i < n; i++) pbar[i] += wg * points[k][i];
            }
            return pbar;
        }

        Extremes();
        int start = f.Calls;
        double edmPrevious;
        do
        {
            double amin = values[jl];
            edmPrevious = Spread();
            var pbar = Centroid();
            var pstar = Combine(1 + alpha, pbar, -alpha, points[jh]);
            double ystar = f.Value(pstar);
            if (ystar > amin)
            {
                if (ystar < values[jh])
                {
                    int before = jh;
                    Replace(ystar, pstar);
                    if (before != jh) continue;
                }
                var contracted = Combine(beta, points[jh], 1 - beta, pbar);
                double yc = f.Value(contracted);
                if (yc > values[jh]) break;
                Replace(yc, contracted);
                continue;
            }
            var pstst = Combine(gamma, pstar, 1 - gamma, pbar);
            double ystst = f.Value(pstst);
            double y1 = (ystar - values[jh]) * rho2, y2 = (ystst - values[jh]) * rho1;
            double rho = 0.5 * (rho2 * y1 - rho1 * y2) / (y1 - y2);
            if (rho < rhoMin)
            {
                if (ystst < values[jl]) Replace(ystst, pstst);
                else Replace(ystar, pstar);
                continue;
            }
            if (rho > rhoMax) rho = rhoMax;
            var prho = Combine(rho, pbar, 1 - rho, points[jh]);
            double yrho = f.Value(prho);
            if (yrho < values[jl] && yrho < ystst) { Replace(yrho, prho); continue; }
            if (ystst < values[jl]) { Replace(ystst, pstst); continue; }
            if (yrho > values[jl])
            {
                if (ystst < values[jl]) Replace(ystst, pstst);
                else Replace(ystar, pstar);
                continue;
            }
            if (ystar > values[jh])
            {
                var contracted = Combine(beta, points[jh], 1 - beta, pbar);
                double yc = f.Value(contracted);
                if (yc > values[jh]) break;
                Replace(yc, contracted);
            }
        } while ((Spread() > minEdm || edmPrevious > minEdm) && f.Calls - start < maxCalls);

        // The centroid of all but the worst vertex, where it is better than the best vertex.
        var centre = Centroid();
        double yCentre = f.Value(centre);
        double[] best;
        double fBest;
        if (yCentre < values[jl]) { best = centre; fBest = yCentre; Replace(yCentre, centre); }
        else { best = points[jl]; fBest = values[jl]; }
        double edm = Spread();
        // The extent of the simplex along each parameter, scaled to errors: err^2 = extent^2 * up / edm.
        var errors = new double[n];
        for (int i = 0; i < n; i++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int k = 0; k <= n; k++) { lo = Math.Min(lo, points[k][i]); hi = Math.Max(hi, points[k][i]); }
            errors[i] = (hi - lo) * Math.Sqrt(f.Up / Math.Max(edm, Precision.Eps2));
        }
        return (best, fBest, errors, edm, edm > minEdm, f.Calls - start >= maxCalls);
    }
}
